import { describe, expect, it } from "vitest";
import { createResultRow } from "./result-fixtures.js";
import { createTestDatabase } from "./test-database.js";
import { createStaffedTeam, expectBadField, rejectionOf, smallConfig } from "./tracking-fixtures.js";

const { store, db } = await createTestDatabase();

/** An experiment of three seeds queued through the API, as a user would. */
async function threeSeedExperiment(name: string) {
  const staff = await createStaffedTeam(store, name);
  const project = await staff.member.project.create({ teamId: staff.team.id, name: "Edge" });
  const experiment = await staff.member.experiment.create({
    projectId: project.id,
    name: "Seeds",
    config: { ...smallConfig(), seeds: [11, 3, 5] },
  });
  const runOf = new Map(experiment.runs.recent.map((run) => [run.seed, run.id]));
  const run = (seed: number) => runOf.get(seed) ?? "";
  return { staff, project, experiment, run };
}

async function succeed(runId: string, finishedAt = new Date()) {
  await db.run.update({ where: { id: runId }, data: { status: "succeeded", finishedAt } });
}

// Accuracies are multiples of 1/8 and drops of 1/2, so means are exact in floating point (and
// survive storage): expectations need no tolerance.
async function row(runId: string, rowKey: string, position: number, validationAccuracyDrop: number, bytes: number) {
  await createResultRow(db, runId, {
    rowKey,
    position,
    bytes,
    parameters: bytes / 4,
    validationAccuracy: 0.875,
    validationAccuracyDrop,
    testAccuracy: 1 - validationAccuracyDrop / 100,
    testAccuracyDrop: validationAccuracyDrop,
  });
}

describe("experiment.create with seeds", () => {
  it("queues exactly one run per listed seed", async () => {
    const { experiment } = await threeSeedExperiment("Seeds queue");
    expect(experiment.runCount).toBe(3);
    expect(experiment.runs.recent.map((run) => run.seed).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([3, 5, 11]);
    expect(experiment.config.seeds).toEqual([11, 3, 5]);
  });

  it("refuses runs that disagree with the seeds, and repeated seeds, storing nothing", async () => {
    const { team, people, member } = await createStaffedTeam(store, "Seeds refused");
    const project = await member.project.create({ teamId: team.id, name: "Edge" });
    const input = { projectId: project.id, name: "x", config: { ...smallConfig(), seeds: [1, 2] } };
    const error = await expectBadField(store, people.member, "experiment.create", { ...input, runs: 3 }, "runs");
    expect(error.message).toContain("asks for 3 runs but the config lists 2 seeds (one run each): drop runs");
    await expectBadField(
      store,
      people.member,
      "experiment.create",
      { ...input, config: { ...smallConfig(), seeds: [4, 4] } },
      "config.seeds",
    );
    expect(await db.experiment.count({ where: { projectId: project.id } })).toBe(0);
    // The same count as runs is no conflict.
    const agreed = await member.experiment.create({ ...input, runs: 2 });
    expect(agreed.runCount).toBe(2);
  });
});

describe("experiment.seedSpread", () => {
  it("aggregates each row key over the succeeded runs and counts the rest", async () => {
    const { staff, experiment, run } = await threeSeedExperiment("Seeds spread");
    await succeed(run(11));
    await succeed(run(3));
    await db.run.update({ where: { id: run(5) }, data: { status: "running" } });
    await row(run(11), "mean0-std0", 0, 0, 4000);
    await row(run(11), "mean0.1-std0.4", 1, 0.5, 1000);
    await row(run(3), "mean0-std0", 0, 0, 4000);
    await row(run(3), "mean0.1-std0.4", 1, 1.5, 2000);
    // Only seed 3 reached this row: it is reported with its count, not as complete.
    await row(run(3), "round-1", 2, 0, 400);
    // A running run's rows are not aggregated.
    await row(run(5), "mean0.1-std0.4", 1, 50, 8);

    const answer = await staff.viewer.experiment.seedSpread({ experimentId: experiment.id });
    expect(answer.seeds).toEqual([
      { seed: 3, runId: run(3) },
      { seed: 11, runId: run(11) },
    ]);
    expect(answer.runsByStatus).toEqual({ queued: 0, running: 1, succeeded: 2, failed: 0, canceled: 0 });
    expect(answer.rows.map((spread) => spread.rowKey)).toEqual(["mean0-std0", "mean0.1-std0.4", "round-1"]);
    expect(answer.rows[1]).toMatchObject({
      seeds: 2,
      complete: true,
      validationAccuracyDrop: { mean: 1, min: 0.5, max: 1.5 },
      testAccuracy: { mean: 0.99, min: 0.985, max: 0.995 },
      bytes: { mean: 1500, min: 1000, max: 2000 },
      parameters: { mean: 375, min: 250, max: 500 },
      worstTestSeed: { seed: 3, runId: run(3) },
      withinWorstSeedLimit: null,
    });
    expect(answer.rows[2]).toMatchObject({ seeds: 1, missingSeeds: [11], complete: false });
    expect(answer.worstSeedLimit).toBeNull();
  });

  it("under a worst-seed limit, admits a row only when every seed is within it", async () => {
    const { staff, experiment, run } = await threeSeedExperiment("Seeds limit");
    for (const seed of [11, 3, 5]) await succeed(run(seed));
    for (const seed of [11, 3, 5]) await row(run(seed), "mean0-std0", 0, 0, 4000);
    // Mean drop 0.5, worst seed 1: within 0.5 on the mean, not on every seed.
    await row(run(11), "mean0.1-std0.4", 1, 0, 1000);
    await row(run(3), "mean0.1-std0.4", 1, 0.5, 1000);
    await row(run(5), "mean0.1-std0.4", 1, 1, 1000);

    const strict = await staff.viewer.experiment.seedSpread({
      experimentId: experiment.id,
      maxWorstSeedDropPoints: 0.5,
    });
    expect(strict.rows.map((spread) => spread.withinWorstSeedLimit)).toEqual([true, false]);
    expect(strict.worstSeedLimit).toMatchObject({ maxWorstSeedDropPoints: 0.5, smallest: { rowKey: "mean0-std0" } });

    const loose = await staff.viewer.experiment.seedSpread({ experimentId: experiment.id, maxWorstSeedDropPoints: 1 });
    expect(loose.worstSeedLimit?.smallest).toMatchObject({ rowKey: "mean0.1-std0.4", seeds: 3 });
  });

  it("counts a seed run twice once, by its latest result", async () => {
    const { staff, experiment, run } = await threeSeedExperiment("Seeds again");
    await succeed(run(11), new Date("2026-01-01T00:00:00Z"));
    await row(run(11), "k", 0, 2, 100);
    const again = await staff.member.run.queue({ experimentId: experiment.id, seed: 11 });
    await succeed(again.id, new Date("2026-01-02T00:00:00Z"));
    await row(again.id, "k", 0, 1, 100);

    const answer = await staff.viewer.experiment.seedSpread({ experimentId: experiment.id });
    expect(answer.seeds).toEqual([{ seed: 11, runId: again.id }]);
    expect(answer.replacedRunIds).toEqual([run(11)]);
    expect(answer.rows[0]?.validationAccuracyDrop).toEqual({ mean: 1, min: 1, max: 1 });
  });

  it("answers an experiment with no succeeded run with no rows, and hides other teams' experiments", async () => {
    const { staff, experiment } = await threeSeedExperiment("Seeds none");
    const answer = await staff.viewer.experiment.seedSpread({ experimentId: experiment.id });
    expect(answer).toMatchObject({ seeds: [], rows: [], runsByStatus: { queued: 3 } });

    const outsider = await createStaffedTeam(store, "Seeds outsider");
    const error = await rejectionOf(outsider.owner.experiment.seedSpread({ experimentId: experiment.id }));
    expect(error.code).toBe("NOT_FOUND");
  });
});

describe("candidate.findSmallest with a worst-seed limit", () => {
  it("admits a row only when every seed of its experiment is within the limit", async () => {
    const { staff, project, run } = await threeSeedExperiment("Seeds candidates");
    for (const seed of [11, 3, 5]) await succeed(run(seed));
    for (const seed of [11, 3, 5]) await row(run(seed), "big", 0, 0, 4000);
    // Mean validation drop 0.5, worst seed 1.
    for (const [seed, drop] of [
      [11, 0],
      [3, 0.5],
      [5, 1],
    ] as const) {
      await row(run(seed), "small", 1, drop, 1000);
    }

    const withoutLimit = await staff.viewer.candidate.findSmallest({ projectId: project.id, maxTestAccuracyDrop: 5 });
    expect(withoutLimit.candidate).toMatchObject({ rowKey: "small", bytes: 1000 });

    const strict = await staff.viewer.candidate.findSmallest({
      projectId: project.id,
      maxTestAccuracyDrop: 5,
      maxWorstSeedDropPoints: 0.5,
    });
    expect(strict.candidate).toMatchObject({ rowKey: "big", bytes: 4000 });

    const loose = await staff.viewer.candidate.findSmallest({
      projectId: project.id,
      maxTestAccuracyDrop: 5,
      maxWorstSeedDropPoints: 1,
    });
    expect(loose.candidate).toMatchObject({ rowKey: "small", bytes: 1000 });
  });

  it("never admits a row some seed lacks, and explains a miss by the worst seed or the missing seeds", async () => {
    const { staff, project, run } = await threeSeedExperiment("Seeds candidate miss");
    for (const seed of [11, 3, 5]) await succeed(run(seed));
    // Only seed 11 measured it: it never qualifies, however loose the limit.
    await row(run(11), "partial", 0, 3, 500);
    for (const seed of [11, 3, 5]) await row(run(seed), "lossy", 1, seed === 5 ? 2 : 1, 1000);
    const find = (limits: { maxWorstSeedDropPoints: number; maxBytes?: number }) =>
      staff.viewer.candidate.findSmallest({ projectId: project.id, maxTestAccuracyDrop: 5, ...limits });

    expect((await find({ maxWorstSeedDropPoints: 5 })).candidate).toMatchObject({ rowKey: "lossy", bytes: 1000 });

    // The most accurate row misses by its worst seed (seed 5: 2 points, 1.5 over the limit).
    const tooStrict = await find({ maxWorstSeedDropPoints: 0.5 });
    expect(tooStrict.candidate).toBeNull();
    expect(tooStrict.closest?.row.rowKey).toBe("lossy");
    expect(tooStrict.closest?.misses).toEqual([
      { constraint: "maxWorstSeedDropPoints", limit: 0.5, actual: 2, excess: 1.5, missingSeeds: [] },
    ]);
    expect(tooStrict.explanation).toContain("every seed's validation drop <= 0.5 points");
    expect(tooStrict.explanation).toContain("maxWorstSeedDropPoints by 1.5 points (its worst seed)");

    // Within 600 bytes only "partial" fits, and two seeds lack it.
    const partialOnly = await find({ maxWorstSeedDropPoints: 5, maxBytes: 600 });
    expect(partialOnly.candidate).toBeNull();
    expect(partialOnly.closest?.row.rowKey).toBe("partial");
    expect(partialOnly.closest?.misses).toEqual([
      { constraint: "maxWorstSeedDropPoints", limit: 5, actual: 3, excess: 0, missingSeeds: [3, 5] },
    ]);
    expect(partialOnly.explanation).toContain("seeds 3, 5 of its experiment did not measure this row");
  });
});
