import { claimRunInput } from "@deadweight/protocol";
import { describe, expect, it } from "vitest";
import { claimRun } from "../src/domain/queue/claim-run.js";
import { requeueExpiredLeases } from "../src/domain/queue/requeue-expired-leases.js";
import type { Store } from "../src/store/store.js";
import { expectInvalidInput } from "./expect-trpc-error.js";
import { createQueueTeam, expireLease, queueRuns } from "./queue-fixtures.js";
import { createTestDatabase } from "./test-database.js";
import { smallConfig } from "./tracking-fixtures.js";

// No assertion here depends on how fast the machine is. Waiting claims never look at the queue
// again on their own in this store (their re-check comes after ten minutes, longer than any wait),
// so a claim that gets a run was woken by the queueing; "it is waiting now" is observed, not hoped.
const { store, db } = await createTestDatabase({ queueRecheckMs: 10 * 60_000 });

/** Resolves once `count` claims of the team wait for work (polling with a deadline). */
async function untilWaiting(on: Store, teamId: string, count = 1): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (on.queuedRuns.waiting(teamId) < count) {
    if (Date.now() > deadline) throw new Error(`no claim of team ${teamId} started waiting within 20 s`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Starts a claim that waits up to `waitSeconds`; resolves, once it is waiting, to its answer to come. */
async function waitingClaim(team: Awaited<ReturnType<typeof createQueueTeam>>, waitSeconds: number, on = store) {
  const answer = team.worker.worker.claim({ workerName: "long-poll", waitSeconds });
  await untilWaiting(on, team.team.id);
  // Wrapped: an async function returning the promise itself would wait for the answer.
  return { answer };
}

describe("worker.claim with waitSeconds (long poll)", () => {
  it("is woken when an experiment of the team is created while it waits", async () => {
    const team = await createQueueTeam(store, "Wait create");
    const { answer: claiming } = await waitingClaim(team, 30);
    const experiment = await team.member.experiment.create({
      projectId: team.project.id,
      name: "late",
      config: smallConfig({ seed: 1 }),
      runs: 1,
    });
    expect((await claiming)?.run.experimentId).toBe(experiment.id);
  });

  it("is woken by run.queue, a released run and a lease sweep's requeue", async () => {
    const team = await createQueueTeam(store, "Wait others");
    const [runId] = (await queueRuns(store, team, 1)) as [string];
    const first = await team.worker.worker.claim({ workerName: "holder" });
    expect(first?.run.id).toBe(runId);

    // run.queue
    let claiming = (await waitingClaim(team, 30)).answer;
    const again = await team.member.run.queue({ experimentId: first!.run.experimentId });
    let claim = await claiming;
    expect(claim?.run.id).toBe(again.id);

    // A released run goes back to the queue.
    claiming = (await waitingClaim(team, 30)).answer;
    await team.worker.worker.finish({ runId: again.id, attempt: claim!.run.attempt, outcome: "released" });
    claim = await claiming;
    expect(claim?.run.id).toBe(again.id);

    // A lease that ran out, swept while the claim waits (the claim's own sweep ran before). On
    // PostgreSQL the previous step's NOTIFY can reach this claim after it started waiting: it then
    // looks again, and its own sweep may requeue the run before this one does. Either way the run is
    // requeued once and this claim gets it; without a wake-up it would answer null after 30 s.
    claiming = (await waitingClaim(team, 30)).answer;
    await expireLease(store, runId);
    const swept = (await requeueExpiredLeases(store)).requeued.map((entry) => entry.runId);
    expect(swept.filter((id) => id !== runId)).toEqual([]);
    expect((await claiming)?.run.id).toBe(runId);
  });

  it("answers null once waitSeconds are up, and leaves another team's runs alone", async () => {
    const team = await createQueueTeam(store, "Wait empty");
    const other = await createQueueTeam(store, "Wait elsewhere");
    const started = performance.now();
    const { answer: claiming } = await waitingClaim(team, 1);
    const [othersRun] = (await queueRuns(store, other, 1)) as [string];
    expect(await claiming).toBeNull();
    // A timer never fires early: the answer came after the whole wait.
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(await db.run.findUniqueOrThrow({ where: { id: othersRun } })).toMatchObject({ status: "queued" });
  });

  it("still finds a run queued without a signal (another server process) at its next re-check", async () => {
    // Here claims look again every 50 ms: nothing but that re-check can find the run below.
    const rechecking = (await createTestDatabase({ queueRecheckMs: 50 })).store;
    const team = await createQueueTeam(rechecking, "Wait unsignalled");
    const [runId] = (await queueRuns(rechecking, team, 1)) as [string];
    const held = await team.worker.worker.claim({ workerName: "holder" });
    const { answer: claiming } = await waitingClaim(team, 30, rechecking);
    // Put back by writing the database directly, as another server process would: no signal reaches
    // this store's claims (only one for another team).
    await rechecking.db.run.update({ where: { id: runId }, data: { status: "queued", leaseExpiresAt: null } });
    rechecking.changes.publish({ kind: "runs-queued", teamId: "some-other-team" });
    expect((await claiming)?.run).toMatchObject({ id: runId, attempt: held!.run.attempt + 1 });
  });

  it("stops waiting when the client goes away", async () => {
    const team = await createQueueTeam(store, "Wait abort");
    const aborter = new AbortController();
    const claiming = claimRun(
      store,
      team.workerActor,
      claimRunInput.parse({ workerName: "w", waitSeconds: 30 }),
      aborter.signal,
    );
    await untilWaiting(store, team.team.id);
    aborter.abort();
    expect(await claiming).toBeNull();
    expect(store.queuedRuns.waiting(team.team.id)).toBe(0);
  });

  it("hands a run it just granted back to the queue when the client already went away", async () => {
    const team = await createQueueTeam(store, "Wait gone");
    const [runId] = (await queueRuns(store, team, 1)) as [string];
    const gone = AbortSignal.abort();
    const input = claimRunInput.parse({ workerName: "gone", waitSeconds: 5 });
    expect(await claimRun(store, team.workerActor, input, gone)).toBeNull();
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

  it("ends every wait at once when the server shuts down", async () => {
    const closing = (await createTestDatabase({ queueRecheckMs: 10 * 60_000 })).store;
    const team = await createQueueTeam(closing, "Wait shutdown");
    const { answer: claiming } = await waitingClaim(team, 30, closing);
    closing.queuedRuns.stop();
    expect(await claiming).toBeNull();
  });

  it("names the field of a bad wait", async () => {
    const team = await createQueueTeam(store, "Wait inputs");
    await expectInvalidInput(team.worker.worker.claim({ workerName: "w", waitSeconds: -1 }), "waitSeconds");
    await expectInvalidInput(team.worker.worker.claim({ workerName: "w", waitSeconds: 31 }), "waitSeconds");
  });
});
