import { describe, expect, it } from "vitest";
import { claimRun, claimRunInput } from "../src/domain/queue/claim-run.js";
import { signalRunsQueued } from "../src/domain/queue/queued-run-signal.js";
import { requeueExpiredLeases } from "../src/domain/queue/requeue-expired-leases.js";
import { expectInvalidInput } from "./expect-trpc-error.js";
import { createQueueTeam, expireLease, queueRuns } from "./queue-fixtures.js";
import { createTestDatabase } from "./test-database.js";
import { smallConfig } from "./tracking-fixtures.js";

const { db } = createTestDatabase();

/** Milliseconds since `from`. */
const since = (from: number) => performance.now() - from;

/** Starts a waiting claim and says when it answered. */
function waitingClaim(team: Awaited<ReturnType<typeof createQueueTeam>>, waitSeconds: number) {
  return team.worker.worker.claim({ workerName: "long-poll", waitSeconds }).then((claim) => ({
    claim,
    answeredAt: performance.now(),
  }));
}

const aMoment = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Timing bounds: a woken claim answers within 200 ms of the queueing (the re-check without a
// signal comes only every second, so a pass shows the signal worked); the rest is slack for a
// loaded 2-core machine.
describe("worker.claim with waitSeconds (long poll)", () => {
  it("answers within 200 ms when an experiment of the team is created while it waits", async () => {
    const team = await createQueueTeam(db, "Wait create");
    const claiming = waitingClaim(team, 10);
    await aMoment(300);
    const experiment = await team.member.experiment.create({
      projectId: team.project.id,
      name: "late",
      config: smallConfig({ seed: 1 }),
      runs: 1,
    });
    const queuedAt = performance.now();
    const { claim, answeredAt } = await claiming;
    expect(claim?.run.experimentId).toBe(experiment.id);
    expect(answeredAt - queuedAt).toBeLessThan(200);
  });

  it("answers within 200 ms of run.queue, a lease sweep's requeue and a released run", async () => {
    const team = await createQueueTeam(db, "Wait others");
    const [runId] = (await queueRuns(db, team, 1)) as [string];
    const first = await team.worker.worker.claim({ workerName: "holder" });
    expect(first?.run.id).toBe(runId);

    // run.queue
    let claiming = waitingClaim(team, 10);
    await aMoment(300);
    const again = await team.member.run.queue({ experimentId: first!.run.experimentId });
    let queuedAt = performance.now();
    let answer = await claiming;
    expect(answer.claim?.run.id).toBe(again.id);
    expect(answer.answeredAt - queuedAt).toBeLessThan(200);

    // A released run goes back to the queue.
    claiming = waitingClaim(team, 10);
    await aMoment(300);
    await team.worker.worker.finish({ runId: again.id, attempt: answer.claim!.run.attempt, outcome: "released" });
    queuedAt = performance.now();
    answer = await claiming;
    expect(answer.claim?.run.id).toBe(again.id);
    expect(answer.answeredAt - queuedAt).toBeLessThan(200);

    // A lease that ran out, swept while the claim waits (the claim's own sweep ran before).
    claiming = waitingClaim(team, 10);
    await aMoment(300);
    await expireLease(db, runId);
    const started = performance.now();
    expect((await requeueExpiredLeases(db)).requeued.map((entry) => entry.runId)).toContain(runId);
    answer = await claiming;
    expect(answer.claim?.run.id).toBe(runId);
    expect(since(started)).toBeLessThan(400);
  });

  it("answers null once waitSeconds are up, and is not woken by another team's runs", async () => {
    const team = await createQueueTeam(db, "Wait empty");
    const other = await createQueueTeam(db, "Wait elsewhere");
    const started = performance.now();
    const claiming = waitingClaim(team, 1.5);
    await aMoment(200);
    await queueRuns(db, other, 1);
    const { claim } = await claiming;
    expect(claim).toBeNull();
    expect(since(started)).toBeGreaterThanOrEqual(1_450);
    expect(since(started)).toBeLessThan(3_000);
  });

  it("still finds a run queued without a signal (another process) at its next re-check", async () => {
    const team = await createQueueTeam(db, "Wait unsignalled");
    const [runId] = (await queueRuns(db, team, 1)) as [string];
    const held = await team.worker.worker.claim({ workerName: "holder" });
    const claiming = waitingClaim(team, 10);
    await aMoment(200);
    // Put back by writing the database directly, as another server process on the same file would:
    // no signal reaches this process (only one for another team).
    await db.run.update({ where: { id: runId }, data: { status: "queued", leaseExpiresAt: null } });
    signalRunsQueued(db, "some-other-team");
    const { claim } = await claiming;
    expect(claim?.run).toMatchObject({ id: runId, attempt: held!.run.attempt + 1 });
  });

  it("stops waiting when the client goes away", async () => {
    const team = await createQueueTeam(db, "Wait abort");
    const aborter = new AbortController();
    const started = performance.now();
    const claiming = claimRun(
      db,
      team.workerActor,
      claimRunInput.parse({ workerName: "w", waitSeconds: 10 }),
      aborter.signal,
    );
    await aMoment(200);
    aborter.abort();
    expect(await claiming).toBeNull();
    expect(since(started)).toBeLessThan(600);
  });

  it("hands a run it just granted back to the queue when the client already went away", async () => {
    const team = await createQueueTeam(db, "Wait gone");
    const [runId] = (await queueRuns(db, team, 1)) as [string];
    const gone = AbortSignal.abort();
    const input = claimRunInput.parse({ workerName: "gone", waitSeconds: 5 });
    expect(await claimRun(db, team.workerActor, input, gone)).toBeNull();
    expect(await db.run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
      status: "queued",
      maxAttempts: 4,
    });
    const next = await team.worker.worker.claim({ workerName: "present" });
    expect(next?.run).toMatchObject({ id: runId, attempt: 2 });
    const history = await team.viewer.run.get({ runId });
    expect(history.attempts.map((attempt) => [attempt.worker, attempt.outcome])).toEqual([
      ["gone", "released"],
      ["present", null],
    ]);
  });

  it("names the field of a bad wait", async () => {
    const team = await createQueueTeam(db, "Wait inputs");
    await expectInvalidInput(team.worker.worker.claim({ workerName: "w", waitSeconds: -1 }), "waitSeconds");
    await expectInvalidInput(team.worker.worker.claim({ workerName: "w", waitSeconds: 31 }), "waitSeconds");
  });
});
