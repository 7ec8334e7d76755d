import { describe, expect, it } from "vitest";
import { requeueExpiredLeases } from "../src/domain/queue/requeue-expired-leases.js";
import { startLeaseSweeper } from "../src/server/lease-sweeper.js";
import { expectInvalidInput, expectTrpcError } from "./expect-trpc-error.js";
import { createQueueTeam, expireLease, queueRuns, workerOf } from "./queue-fixtures.js";
import { createTestDatabase } from "./test-database.js";
import { callerFor } from "./tracking-fixtures.js";

const { store, db } = await createTestDatabase();

describe("worker.heartbeat", () => {
  it("extends the lease by the claimed length and stores progress people can read", async () => {
    const team = await createQueueTeam(store, "Beat");
    await queueRuns(store, team, 1);
    const claimed = await team.worker.worker.claim({ workerName: "gpu-1", leaseSeconds: 20 });
    const { id: runId, attempt } = claimed!.run;
    // As if the claim were made 15 s ago: 5 s of lease left.
    await db.run.update({ where: { id: runId }, data: { leaseExpiresAt: new Date(Date.now() + 5_000) } });

    const progress = {
      stage: "train" as const,
      epoch: 2,
      epochs: 5,
      batch: 40,
      batches: 422,
      loss: 0.3127,
      accuracy: 0.914,
      etaSeconds: 31.5,
      message: "epoch 2/5",
    };
    const beat = await team.worker.worker.heartbeat({ runId, attempt, progress });
    expect(beat.cancelRequested).toBe(false);
    expect(beat.leaseExpiresAt!.getTime() - Date.now()).toBeGreaterThan(18_000);

    const details = await team.viewer.run.get({ runId });
    expect(details).toMatchObject({ stage: "train", progress, leaseExpiresAt: beat.leaseExpiresAt });

    // A bare heartbeat keeps the last progress.
    await team.worker.worker.heartbeat({ runId, attempt });
    expect((await team.viewer.run.get({ runId })).progress).toEqual(progress);
  });

  it("appends reported training steps to the run's training curve, not to its progress", async () => {
    const team = await createQueueTeam(store, "Curve");
    await queueRuns(store, team, 1);
    const { id: runId, attempt } = (await team.worker.worker.claim({ workerName: "w" }))!.run;
    const step = (batch: number, loss: number) => ({ epoch: 1, batch, loss, accuracy: 0.5 });
    await team.worker.worker.heartbeat({
      runId,
      attempt,
      progress: { stage: "train", epoch: 1, batch: 20, trace: [step(10, 2), step(20, 1.5)] },
    });
    await team.worker.worker.heartbeat({ runId, attempt, progress: { stage: "train", trace: [step(30, 1.2)] } });

    const details = await team.viewer.run.get({ runId });
    expect(details.trainingCurve).toEqual({ attempt, points: [step(10, 2), step(20, 1.5), step(30, 1.2)] });
    expect(details.progress).toEqual({ stage: "train" });
    await expectInvalidInput(
      team.worker.worker.heartbeat({ runId, attempt, progress: { stage: "train", trace: [step(40, Number.NaN)] } }),
      "progress.trace.0.loss",
    );
  });

  it("records on the attempt's history row the epoch its training resumed at, once", async () => {
    const team = await createQueueTeam(store, "Resume");
    await queueRuns(store, team, 1);
    const { id: runId, attempt } = (await team.worker.worker.claim({ workerName: "w" }))!.run;
    await team.worker.worker.heartbeat({ runId, attempt, progress: { stage: "train", epoch: 2 } });
    expect((await team.viewer.run.get({ runId })).attempts.map((row) => row.resumedAtEpoch)).toEqual([null]);
    await team.worker.worker.heartbeat({ runId, attempt, progress: { stage: "train", epoch: 4, resumedAtEpoch: 4 } });
    // Later reports of the attempt repeat it; the first one stays.
    await team.worker.worker.heartbeat({ runId, attempt, progress: { stage: "train", epoch: 5, resumedAtEpoch: 5 } });
    expect((await team.viewer.run.get({ runId })).attempts.map((row) => row.resumedAtEpoch)).toEqual([4]);
  });

  it("names the field of bad progress", async () => {
    const team = await createQueueTeam(store, "BadBeat");
    await queueRuns(store, team, 1);
    const { id: runId, attempt } = (await team.worker.worker.claim({ workerName: "w" }))!.run;
    const beat = (progress: unknown) => team.worker.worker.heartbeat({ runId, attempt, progress } as never);
    await expectInvalidInput(beat({ stage: "dance" }), "progress.stage");
    await expectInvalidInput(beat({ stage: "train", accuracy: 1.5 }), "progress.accuracy");
    await expectInvalidInput(beat({ stage: "train", epoch: -1 }), "progress.epoch");
    await expectInvalidInput(beat({ stage: "train", loss: Number.POSITIVE_INFINITY }), "progress.loss");
    await expectInvalidInput(team.worker.worker.heartbeat({ runId, attempt: 0 }), "attempt");
  });
});

describe("lease expiry", () => {
  it("puts a dead worker's run back in the queue with its history, and fences the old claim off", async () => {
    const team = await createQueueTeam(store, "Dead");
    await queueRuns(store, team, 1);
    const first = (await team.worker.worker.claim({ workerName: "killed-box" }))!.run;
    await team.worker.worker.completeStage({ runId: first.id, attempt: 1, stage: "load", seconds: 0.5 });
    await expireLease(store, first.id);

    const survivor = callerFor(store, workerOf(team.team.id, "survivor"));
    const second = (await survivor.worker.claim({ workerName: "survivor" }))!.run;
    expect(second).toMatchObject({ id: first.id, attempt: 2, completedStages: ["load"] });

    const details = await team.viewer.run.get({ runId: first.id });
    expect(details).toMatchObject({ status: "running", attempt: 2, worker: "survivor" });
    expect(details.attempts).toMatchObject([
      { attempt: 1, worker: "killed-box", outcome: "lease-expired", error: expect.stringContaining("killed-box") },
      { attempt: 2, worker: "survivor", outcome: null, endedAt: null },
    ]);
    expect(details.attempts[0]!.endedAt).toBeInstanceOf(Date);

    // The first worker comes back to life: every report on its old claim is refused.
    const refused = await expectTrpcError(
      team.worker.worker.heartbeat({ runId: first.id, attempt: 1 }),
      "CONFLICT",
      new RegExp(`run ${first.id} attempt 1 is no longer yours \\(its lease expired`),
    );
    expect(refused.message).toContain('now at attempt 2, running (worker "survivor")');
    await expectTrpcError(
      team.worker.worker.completeStage({ runId: first.id, attempt: 1, stage: "train", seconds: 9 }),
      "CONFLICT",
    );
    await expectTrpcError(team.worker.worker.finish({ runId: first.id, attempt: 1, outcome: "succeeded" }), "CONFLICT");
    expect(await db.run.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({
      status: "running",
      attempt: 2,
      completedStages: '["load"]',
    });
    // The second worker is unaffected.
    expect((await survivor.worker.heartbeat({ runId: first.id, attempt: 2 })).cancelRequested).toBe(false);
  });

  it("lets a late heartbeat keep a run nobody has taken back yet", async () => {
    const team = await createQueueTeam(store, "Late");
    await queueRuns(store, team, 1);
    const { id: runId } = (await team.worker.worker.claim({ workerName: "slow" }))!.run;
    await expireLease(store, runId);
    const beat = await team.worker.worker.heartbeat({ runId, attempt: 1 });
    expect(beat.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now());
    expect(await requeueExpiredLeases(store, { teamId: team.team.id })).toEqual({
      requeued: [],
      failed: [],
      canceledClosed: 0,
    });
  });

  it("fails the run with the reason once its attempts are used up", async () => {
    const team = await createQueueTeam(store, "Exhausted");
    const [runId, next] = (await queueRuns(store, team, 2, { maxAttempts: 2 })) as [string, string];
    for (const attempt of [1, 2]) {
      const claimed = (await team.worker.worker.claim({ workerName: `box-${attempt}` }))!.run;
      expect(claimed).toMatchObject({ id: runId, attempt });
      await expireLease(store, runId);
    }
    // The sweep before this claim gives up on the run; the claim then moves on to the next one.
    expect((await team.worker.worker.claim({ workerName: "box-3" }))!.run.id).toBe(next);

    const details = await team.viewer.run.get({ runId });
    expect(details).toMatchObject({ status: "failed", attempt: 2, leaseExpiresAt: null });
    expect(details.errorMessage).toMatch(/stopped renewing its lease after 2 attempt/);
    expect(details.errorMessage).toContain('"box-2"');
    expect(details.finishedAt).toBeInstanceOf(Date);
    expect(details.attempts.map((attempt) => attempt.outcome)).toEqual(["lease-expired", "lease-expired"]);
  });

  it("is also swept on a timer, so a dead worker's run goes back when nobody claims", async () => {
    const team = await createQueueTeam(store, "Timer");
    await queueRuns(store, team, 1);
    const { id: runId } = (await team.worker.worker.claim({ workerName: "gone" }))!.run;
    await expireLease(store, runId);

    const reports: unknown[] = [];
    const sweeper = startLeaseSweeper(store, { intervalMs: 20, onSweep: (report) => reports.push(report) });
    try {
      await expect
        .poll(async () => (await db.run.findUniqueOrThrow({ where: { id: runId } })).status, { timeout: 5_000 })
        .toBe("queued");
    } finally {
      await sweeper.stop();
    }
    expect(reports).toContainEqual({
      requeued: [{ runId, attempt: 1, worker: "gone" }],
      failed: [],
      canceledClosed: 0,
    });
    expect((await db.runAttempt.findFirstOrThrow({ where: { runId } })).outcome).toBe("lease-expired");
  });
});
