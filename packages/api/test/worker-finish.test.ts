import { describe, expect, it } from "vitest";
import { expectInvalidInput, expectTrpcError } from "./expect-trpc-error.js";
import { createQueueTeam, queueRuns } from "./queue-fixtures.js";
import { createTestDatabase } from "./test-database.js";
import { runResultsFixture, sweepRowsFixture } from "./tracking-fixtures.js";

const { store, db } = await createTestDatabase();

async function claimOne(team: Awaited<ReturnType<typeof createQueueTeam>>, workerName = "gpu-1") {
  const claimed = await team.worker.worker.claim({ workerName });
  if (claimed === null) throw new Error("nothing was queued");
  return { runId: claimed.run.id, attempt: claimed.run.attempt };
}

describe("worker.finish", () => {
  it("marks a run succeeded, closes its history row, and ignores a retried finish", async () => {
    const team = await createQueueTeam(store, "Done");
    await queueRuns(store, team, 1);
    const { runId, attempt } = await claimOne(team);
    await team.worker.worker.finish({ runId, attempt, outcome: "succeeded" });
    // The answer to the first call was lost; the worker sends it again.
    await team.worker.worker.finish({ runId, attempt, outcome: "succeeded" });

    const details = await team.viewer.run.get({ runId });
    expect(details).toMatchObject({ status: "succeeded", leaseExpiresAt: null, errorMessage: null });
    expect(details.finishedAt).toBeInstanceOf(Date);
    expect(details.attempts).toMatchObject([{ attempt: 1, outcome: "succeeded", error: null }]);
    // A different report on the ended claim is not a retry: refused.
    await expectTrpcError(
      team.worker.worker.finish({ runId, attempt, outcome: "failed", error: "late", retryable: false }),
      "CONFLICT",
      /no longer yours \(it succeeded; the run is succeeded\)/,
    );
  });

  it("fails a non-retryable run at once, and the run behind it is claimed next", async () => {
    const team = await createQueueTeam(store, "Poison");
    const [poison, good] = (await queueRuns(store, team, 2)) as [string, string];
    const { runId, attempt } = await claimOne(team);
    expect(runId).toBe(poison);
    const error = 'dataset "mnist": expected IDX magic 2051, found 1234; download it again';
    await team.worker.worker.finish({ runId, attempt, outcome: "failed", error, retryable: false });

    expect(await team.viewer.run.get({ runId })).toMatchObject({ status: "failed", errorMessage: error });
    expect((await claimOne(team)).runId).toBe(good);
    expect((await team.viewer.run.get({ runId })).attempts).toMatchObject([{ outcome: "failed", error }]);
  });

  it("requeues a retryable failure while attempts are left, then fails with the error", async () => {
    const team = await createQueueTeam(store, "Flaky");
    const [runId] = (await queueRuns(store, team, 1, { maxAttempts: 2 })) as [string];
    const first = await claimOne(team);
    await team.worker.worker.finish({ ...first, outcome: "failed", error: "connection reset", retryable: true });
    expect(await team.viewer.run.get({ runId })).toMatchObject({
      status: "queued",
      attempt: 1,
      errorMessage: null,
      leaseExpiresAt: null,
      finishedAt: null,
    });

    const second = await claimOne(team);
    expect(second).toEqual({ runId, attempt: 2 });
    await team.worker.worker.finish({ ...second, outcome: "failed", error: "connection reset again", retryable: true });
    const details = await team.viewer.run.get({ runId });
    expect(details).toMatchObject({ status: "failed", attempt: 2 });
    expect(details.errorMessage).toBe("connection reset again (attempt 2 of 2: no attempts left)");
    expect(details.attempts).toMatchObject([
      { attempt: 1, outcome: "failed", error: "connection reset" },
      { attempt: 2, outcome: "failed", error: "connection reset again" },
    ]);
    expect(await team.worker.worker.claim({ workerName: "gpu-1" })).toBeNull();
  });

  it("puts a released run back in the queue without counting the attempt against it", async () => {
    const team = await createQueueTeam(store, "Release");
    const [runId] = (await queueRuns(store, team, 1, { maxAttempts: 1 })) as [string];
    const first = await claimOne(team, "shutting-down");
    await team.worker.worker.completeStage({ ...first, stage: "load", seconds: 1.25 });
    await team.worker.worker.finish({ ...first, outcome: "released" });
    expect(await team.viewer.run.get({ runId })).toMatchObject({
      status: "queued",
      attempt: 1,
      maxAttempts: 2,
      leaseExpiresAt: null,
      completedStages: ["load"],
    });

    const again = await team.worker.worker.claim({ workerName: "next" });
    expect(again!.run).toMatchObject({ id: runId, attempt: 2, maxAttempts: 2, completedStages: ["load"] });
    await team.worker.worker.finish({ runId, attempt: 2, outcome: "succeeded" });
    expect((await team.viewer.run.get({ runId })).attempts).toMatchObject([
      { attempt: 1, worker: "shutting-down", outcome: "released" },
      { attempt: 2, worker: "next", outcome: "succeeded" },
    ]);
  });

  it("names the field of a bad report", async () => {
    const team = await createQueueTeam(store, "BadFinish");
    await queueRuns(store, team, 1);
    const held = await claimOne(team);
    await expectInvalidInput(team.worker.worker.finish({ ...held, outcome: "done" } as never), "outcome");
    await expectInvalidInput(
      team.worker.worker.finish({ ...held, outcome: "failed", error: " ", retryable: false }),
      "error",
    );
    await expectInvalidInput(
      team.worker.worker.finish({ ...held, outcome: "failed", error: "x" } as never),
      "retryable",
    );
  });
});

describe("cancel while a worker holds the run", () => {
  it("tells the worker on its next heartbeat, and nothing it reports afterwards undoes the cancel", async () => {
    const team = await createQueueTeam(store, "Cancel");
    await queueRuns(store, team, 2);
    const held = await claimOne(team);
    await team.worker.worker.heartbeat({ ...held, progress: { stage: "train", epoch: 1, epochs: 3 } });
    await team.member.run.cancel({ runId: held.runId });

    expect(await team.worker.worker.heartbeat(held)).toEqual({ leaseExpiresAt: null, cancelRequested: true });
    await expectTrpcError(
      team.worker.worker.completeStage({ ...held, stage: "train", seconds: 3 }),
      "CONFLICT",
      /no longer yours \(it was canceled\)/,
    );
    await team.worker.worker.finish({ ...held, outcome: "canceled" });
    const details = await team.viewer.run.get({ runId: held.runId });
    expect(details).toMatchObject({ status: "canceled", leaseExpiresAt: null, progress: { epoch: 1 } });
    expect(details.attempts).toMatchObject([{ attempt: 1, outcome: "canceled" }]);

    // A worker that missed the cancel and reports success: the run stays canceled.
    const other = await claimOne(team);
    await team.member.run.cancel({ runId: other.runId });
    await team.worker.worker.finish({ ...other, outcome: "succeeded" });
    const stays = await team.viewer.run.get({ runId: other.runId });
    expect(stays).toMatchObject({ status: "canceled", leaseExpiresAt: null });
    expect(stays.attempts).toMatchObject([{ outcome: "canceled" }]);
  });

  it("closes the claim of a canceled run whose worker never confirmed", async () => {
    const team = await createQueueTeam(store, "Silent");
    await queueRuns(store, team, 1);
    const held = await claimOne(team);
    await team.member.run.cancel({ runId: held.runId });
    await db.run.update({ where: { id: held.runId }, data: { leaseExpiresAt: new Date(Date.now() - 1000) } });
    expect(await team.worker.worker.claim({ workerName: "gpu-1" })).toBeNull();
    const details = await team.viewer.run.get({ runId: held.runId });
    expect(details).toMatchObject({ status: "canceled", leaseExpiresAt: null });
    expect(details.attempts).toMatchObject([{ outcome: "canceled", error: expect.stringMatching(/did not confirm/) }]);
  });
});

describe("stage and result reports", () => {
  it("records each stage once with its duration, alongside the results' own timings", async () => {
    const team = await createQueueTeam(store, "Stages");
    await queueRuns(store, team, 1);
    const held = await claimOne(team);
    await team.worker.worker.completeStage({ ...held, stage: "load", seconds: 0.75 });
    await team.worker.worker.completeStage({ ...held, stage: "train", seconds: 10 });
    await team.worker.worker.completeStage({ ...held, stage: "train", seconds: 12.5 });
    const details = await team.viewer.run.get({ runId: held.runId });
    expect(details.completedStages).toEqual(["load", "train"]);
    expect(details.timings).toEqual({ load: 0.75, train: 12.5 });

    await team.worker.worker.recordResults({ ...held, results: runResultsFixture() });
    // The results' timings win for the stages they name; "load" only came from completeStage.
    expect((await team.viewer.run.get({ runId: held.runId })).timings).toEqual({
      load: 0.75,
      train: 12.5,
      statistics: 0.8,
      sweep: 3.1,
      export: 0.2,
    });
    await expectInvalidInput(team.worker.worker.completeStage({ ...held, stage: "eat", seconds: 1 } as never), "stage");
    await expectInvalidInput(team.worker.worker.completeStage({ ...held, stage: "load", seconds: -1 }), "seconds");
  });

  it("stores results idempotently and refuses them once the claim has ended", async () => {
    const team = await createQueueTeam(store, "Results");
    await queueRuns(store, team, 1);
    const held = await claimOne(team);
    const first = await team.worker.worker.recordResults({ ...held, results: runResultsFixture() });
    expect(first).toEqual({ runId: held.runId, rowCount: 5, layerCount: 0 });
    const again = await team.worker.worker.recordResults({ ...held, results: runResultsFixture() });
    expect(again).toEqual(first);
    expect(await db.resultRow.count({ where: { runId: held.runId } })).toBe(5);

    await expectInvalidInput(
      team.worker.worker.recordResults({ ...held, results: { ...runResultsFixture(), rows: [{ id: "" }] } as never }),
      "results.rows.0.id",
    );
    await team.worker.worker.finish({ ...held, outcome: "succeeded" });
    const extraRow = { ...sweepRowsFixture()[0]!, id: "late" };
    await expectTrpcError(
      team.worker.worker.recordResults({ ...held, results: runResultsFixture([extraRow]) }),
      "CONFLICT",
    );
    expect(await db.resultRow.count({ where: { runId: held.runId } })).toBe(5);
  });
});
