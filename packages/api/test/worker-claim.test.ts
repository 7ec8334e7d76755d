import { describe, expect, it } from "vitest";
import { expectInvalidInput, expectTrpcError } from "./expect-trpc-error.js";
import { createQueueTeam, queueRuns, workerOf } from "./queue-fixtures.js";
import { createTestDatabase } from "./test-database.js";
import { callerFor } from "./tracking-fixtures.js";

const { store, db } = await createTestDatabase();

describe("worker.claim", () => {
  it("hands each of 10 queued runs to exactly one of two racing workers", async () => {
    const team = await createQueueTeam(store, "Race");
    const queued = await queueRuns(store, team, 10);
    const workers = [
      callerFor(store, workerOf(team.team.id, "box-a")),
      callerFor(store, workerOf(team.team.id, "box-b")),
    ] as const;

    // Each worker fires several claims at once, over and over, until the queue is empty.
    const claimsOf = async (name: string, worker: (typeof workers)[number]) => {
      const got: string[] = [];
      for (;;) {
        const batch = await Promise.all([1, 2, 3, 4].map(() => worker.worker.claim({ workerName: name })));
        const runs = batch.filter((claim) => claim !== null).map((claim) => claim.run.id);
        got.push(...runs);
        if (runs.length < batch.length) return got;
      }
    };
    const [a, b] = await Promise.all([claimsOf("box-a", workers[0]), claimsOf("box-b", workers[1])]);

    expect([...a, ...b].sort()).toEqual([...queued].sort());
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    const runs = await db.run.findMany({ where: { id: { in: queued } } });
    expect(runs.every((run) => run.status === "running" && run.attempt === 1)).toBe(true);
    expect(
      runs
        .filter((run) => run.worker === "box-a")
        .map((run) => run.id)
        .sort(),
    ).toEqual([...a].sort());
    expect(await db.runAttempt.count({ where: { runId: { in: queued } } })).toBe(10);
  });

  it("claims the oldest queued run first and gives the worker what it needs to run it", async () => {
    const team = await createQueueTeam(store, "Order");
    const [oldest, newer] = (await queueRuns(store, team, 2, { name: "seeded", seed: 40 })) as [string, string];
    await db.run.update({ where: { id: newer }, data: { seed: 99 } });
    const before = Date.now();

    const first = await team.worker.worker.claim({ workerName: "gpu-1", leaseSeconds: 60 });
    expect(first).not.toBeNull();
    const experiment = await db.experiment.findFirstOrThrow({ where: { runs: { some: { id: oldest } } } });
    expect(first!.run).toEqual({
      id: oldest,
      attempt: 1,
      maxAttempts: 3,
      experimentId: experiment.id,
      projectId: team.project.id,
      experimentName: "seeded",
      seed: 40,
      config: { ...JSON.parse(experiment.config), seed: 40 },
      completedStages: [],
      artifacts: [],
    });
    expect(first!.leaseExpiresAt.getTime() - before).toBeGreaterThanOrEqual(59_000);
    expect(first!.leaseExpiresAt.getTime() - Date.now()).toBeLessThanOrEqual(60_000);

    const second = await team.worker.worker.claim({ workerName: "gpu-1" });
    expect(second!.run).toMatchObject({ id: newer, seed: 99, config: { seed: 99 } });
    expect(await team.worker.worker.claim({ workerName: "gpu-1" })).toBeNull();

    const details = await team.viewer.run.get({ runId: oldest });
    expect(details).toMatchObject({ status: "running", attempt: 1, worker: "gpu-1", completedStages: [] });
    expect(details.startedAt).toBeInstanceOf(Date);
    expect(details.attempts).toEqual([
      {
        attempt: 1,
        worker: "gpu-1",
        startedAt: details.startedAt,
        endedAt: null,
        outcome: null,
        error: null,
        resumedAtEpoch: null,
      },
    ]);
  });

  it("hands out what an earlier attempt stored, so a retried run resumes", async () => {
    const team = await createQueueTeam(store, "Resume");
    const [runId] = (await queueRuns(store, team, 1)) as [string];
    await db.run.update({ where: { id: runId }, data: { attempt: 1, completedStages: '["load","train"]' } });
    const model = await db.artifact.create({
      data: {
        runId,
        kind: "model-json",
        name: "base/model.json",
        sizeBytes: 120,
        sha256: "a".repeat(64),
        contentType: "application/json",
      },
    });
    const claimed = await team.worker.worker.claim({ workerName: "gpu-2" });
    expect(claimed!.run).toMatchObject({
      attempt: 2,
      completedStages: ["load", "train"],
      artifacts: [
        {
          id: model.id,
          name: "base/model.json",
          kind: "model-json",
          sha256: "a".repeat(64),
          sizeBytes: 120,
          contentType: "application/json",
        },
      ],
    });
  });

  it("only ever sees the runs of its own token's team", async () => {
    const ours = await createQueueTeam(store, "Ours");
    const theirs = await createQueueTeam(store, "Theirs");
    // Theirs is older, so a claim ignoring teams would take it first.
    const [theirRun] = (await queueRuns(store, theirs, 1)) as [string];
    const [ourRun] = (await queueRuns(store, ours, 1)) as [string];

    expect((await ours.worker.worker.claim({ workerName: "ours" }))!.run.id).toBe(ourRun);
    expect(await ours.worker.worker.claim({ workerName: "ours" })).toBeNull();
    expect(await db.run.findUniqueOrThrow({ where: { id: theirRun } })).toMatchObject({ status: "queued" });
    expect((await theirs.worker.worker.claim({ workerName: "theirs" }))!.run.id).toBe(theirRun);
  });

  it("names the field of bad input", async () => {
    const team = await createQueueTeam(store, "Inputs");
    await expectInvalidInput(team.worker.worker.claim({ workerName: "" }), "workerName");
    await expectInvalidInput(team.worker.worker.claim({ workerName: "x".repeat(101) }), "workerName");
    await expectInvalidInput(team.worker.worker.claim({ workerName: "w", leaseSeconds: 4 }), "leaseSeconds");
    await expectInvalidInput(team.worker.worker.claim({ workerName: "w", leaseSeconds: 601 }), "leaseSeconds");
    await expectInvalidInput(team.worker.worker.claim({ workerName: "w", leaseSeconds: 7.5 }), "leaseSeconds");
  });
});

describe("who may use the queue", () => {
  it("keeps worker tokens off user procedures and people off worker procedures", async () => {
    const team = await createQueueTeam(store, "Roles");
    const [runId] = (await queueRuns(store, team, 1)) as [string];
    const worker = team.worker;
    await expectTrpcError(worker.experiment.list({ projectId: team.project.id }), "FORBIDDEN", /worker tokens/);
    await expectTrpcError(worker.run.get({ runId }), "FORBIDDEN", /worker tokens/);
    await expectTrpcError(worker.run.queue({ experimentId: "x" }), "FORBIDDEN", /worker tokens/);
    await expectTrpcError(worker.run.cancel({ runId }), "FORBIDDEN", /worker tokens/);
    await expectTrpcError(worker.result.rows({ runId }), "FORBIDDEN", /worker tokens/);

    await expectTrpcError(team.owner.worker.claim({ workerName: "me" }), "FORBIDDEN", /only worker tokens/);
    await expectTrpcError(team.owner.worker.heartbeat({ runId, attempt: 1 }), "FORBIDDEN", /only worker tokens/);
    await expectTrpcError(callerFor(store, { kind: "anonymous" }).worker.claim({ workerName: "me" }), "FORBIDDEN");
    expect(await db.run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "queued" });
  });

  it("answers a report on another team's run exactly as if it did not exist", async () => {
    const ours = await createQueueTeam(store, "Mine");
    const theirs = await createQueueTeam(store, "NotMine");
    await queueRuns(store, theirs, 1);
    const claimed = await theirs.worker.worker.claim({ workerName: "theirs" });
    const { id: runId, attempt } = claimed!.run;
    const missing = await expectTrpcError(
      ours.worker.worker.heartbeat({ runId: "no-such-run", attempt: 1 }),
      "NOT_FOUND",
    );
    const foreign = await expectTrpcError(ours.worker.worker.heartbeat({ runId, attempt }), "NOT_FOUND");
    expect(foreign.message).toBe(missing.message.replace("no-such-run", runId));
    await expectTrpcError(ours.worker.worker.completeStage({ runId, attempt, stage: "load", seconds: 1 }), "NOT_FOUND");
    await expectTrpcError(ours.worker.worker.finish({ runId, attempt, outcome: "succeeded" }), "NOT_FOUND");
    await expectTrpcError(
      ours.worker.worker.finish({ runId, attempt, outcome: "failed", error: "x", retryable: false }),
      "NOT_FOUND",
    );
    expect(await db.run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "running" });
  });
});
