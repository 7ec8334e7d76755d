import { beforeAll, describe, expect, it } from "vitest";
import { MAX_COMPARED_RUNS } from "../src/domain/compare/compare-limits.js";
import { recordRunResults } from "../src/domain/results/record-run-results.js";
import { createTestDatabase } from "./test-database.js";
import {
  createStaffedTeam,
  expectBadField,
  rejectionOf,
  runResultsFixture,
  smallConfig,
  sweepRowsFixture,
} from "./tracking-fixtures.js";

const { store, db } = await createTestDatabase();

let staff: Awaited<ReturnType<typeof createStaffedTeam>>;
let other: Awaited<ReturnType<typeof createStaffedTeam>>;
/** narrow (seed 7), narrowAgain (seed 8): one experiment; wide: another project's experiment. */
const runs = { narrow: "", narrowAgain: "", wide: "", foreign: "" };

beforeAll(async () => {
  staff = await createStaffedTeam(store, "Compare");
  other = await createStaffedTeam(store, "Other");
  const first = await staff.member.project.create({ teamId: staff.team.id, name: "First" });
  const second = await staff.member.project.create({ teamId: staff.team.id, name: "Second" });
  const narrow = await staff.member.experiment.create({
    projectId: first.id,
    name: "narrow",
    config: smallConfig({ hidden: [8, 4], epochs: 1, seed: 7 }),
    runs: 2,
  });
  const wide = await staff.member.experiment.create({
    projectId: second.id,
    name: "wide",
    config: smallConfig({ hidden: [16], epochs: 3, seed: 7 }),
  });
  const bySeed = new Map(narrow.runs.recent.map((run) => [run.seed, run.id]));
  runs.narrow = bySeed.get(7) ?? "";
  runs.narrowAgain = bySeed.get(8) ?? "";
  runs.wide = wide.runs.recent[0]?.id ?? "";
  const foreignProject = await other.member.project.create({ teamId: other.team.id, name: "Theirs" });
  runs.foreign =
    (await other.member.experiment.create({ projectId: foreignProject.id, name: "x", config: smallConfig() })).runs
      .recent[0]?.id ?? "";

  await recordRunResults(store, runs.narrow, runResultsFixture());
  // The second seed: twice the bytes, and a row with the best test accuracy that validation does not favour.
  const again = sweepRowsFixture().map((row) => ({
    ...row,
    bytes: row.bytes * 2,
    ...(row.id === "dominated" ? { testAccuracy: 0.99 } : {}),
  }));
  await recordRunResults(store, runs.narrowAgain, runResultsFixture(again));
});

describe("compare.runs", () => {
  it("marks exactly the configuration fields that differ, one value per run in the order given", async () => {
    const comparison = await staff.viewer.compare.runs({ runIds: [runs.wide, runs.narrow, runs.narrowAgain] });
    expect(comparison.runs.map((run) => run.runId)).toEqual([runs.wide, runs.narrow, runs.narrowAgain]);
    expect(comparison.runs.map((run) => run.experimentName)).toEqual(["wide", "narrow", "narrow"]);

    const differing = comparison.config.filter((field) => field.differs);
    // A differing field carries one value per run; an identical one its single value.
    expect(differing).toEqual([
      { path: "model.hidden", values: [[16], [8, 4], [8, 4]], differs: true },
      { path: "seed", values: [7, 7, 8], differs: true },
      { path: "training.epochs", values: [3, 1, 1], differs: true },
    ]);
    const same = comparison.config.find((field) => field.path === "pruning.means");
    expect(same).toEqual({ path: "pruning.means", differs: false, value: [0, 0.05, 0.1, 0.2, 0.3, 0.5] });
    expect(comparison.config.map((field) => field.path)).toContain("training.batchSize");

    const alone = await staff.viewer.compare.runs({ runIds: [runs.narrow] });
    expect(alone.config.some((field) => field.differs)).toBe(false);
  });

  it("sends each run's validation Pareto frontier as columns by default, every point on request", async () => {
    const comparison = await staff.viewer.compare.runs({ runIds: [runs.narrow, runs.narrowAgain, runs.wide] });
    const [narrow, narrowAgain, wide] = comparison.series;
    expect(comparison.size).toBe("bytes");
    expect(comparison.points).toBe("frontier");

    // Sorted by size; "dominated" (300 bytes, 0.90 < mid's 0.93) is not on the frontier, and the
    // emptied row has no model and no point.
    expect(narrow?.points).toEqual({
      rowKeys: ["small", "mid", "full"],
      sizes: [100, 200, 400],
      validationAccuracies: [0.8, 0.93, 0.95],
      testAccuracies: [0.85, 0.92, 0.94],
      onFrontier: null,
    });
    expect(narrow?.base).toEqual({ size: 500, validationAccuracy: 0.96, testAccuracy: 0.95 });

    // The best test accuracy (0.99, on "dominated") does not put a row on the frontier: it is chosen on validation.
    expect(narrowAgain?.points.sizes).toEqual([200, 400, 800]);
    expect(narrowAgain?.points.rowKeys).toEqual(["small", "mid", "full"]);

    // Not reported yet: an empty series, still in its place.
    expect(wide).toEqual({
      runId: runs.wide,
      base: null,
      points: {
        rowKeys: [],
        sizes: [],
        validationAccuracies: [],
        testAccuracies: [],
        onFrontier: null,
      },
    });

    const all = await staff.viewer.compare.runs({ runIds: [runs.narrow, runs.narrowAgain], points: "all" });
    expect(all.points).toBe("all");
    expect(all.series[0]?.points.rowKeys).toEqual(["small", "mid", "dominated", "full"]);
    expect(all.series[0]?.points.onFrontier).toEqual([true, true, false, true]);
    expect(all.series[1]?.points.testAccuracies).toEqual([0.85, 0.92, 0.99, 0.94]);
    // The frontier's rows are the marked rows of the full answer.
    expect(all.series[0]?.points.rowKeys.filter((_, i) => all.series[0]?.points.onFrontier?.[i])).toEqual(
      narrow?.points.rowKeys,
    );

    const byParameters = await staff.viewer.compare.runs({ runIds: [runs.narrow], size: "parameters", points: "all" });
    expect(byParameters.series[0]?.points.sizes).toEqual([25, 50, 75, 100]);
    expect(byParameters.series[0]?.base?.size).toBe(125);
  });

  it("answers NOT_FOUND naming the first run the caller cannot read, missing or another team's alike", async () => {
    const foreign = await rejectionOf(staff.viewer.compare.runs({ runIds: [runs.narrow, runs.foreign] }));
    expect(foreign).toMatchObject({ code: "NOT_FOUND", message: `run ${runs.foreign} does not exist` });
    const missing = await rejectionOf(staff.viewer.compare.runs({ runIds: [runs.narrow, "missing-run"] }));
    expect(missing).toMatchObject({ code: "NOT_FOUND", message: "run missing-run does not exist" });
    // The first unreadable id is named whichever kind it is, so the answer reveals nothing about the other.
    const foreignFirst = await rejectionOf(staff.viewer.compare.runs({ runIds: [runs.foreign, "missing-run"] }));
    expect(foreignFirst.message).toBe(`run ${runs.foreign} does not exist`);
    const missingFirst = await rejectionOf(staff.viewer.compare.runs({ runIds: ["missing-run", runs.foreign] }));
    expect(missingFirst.message).toBe("run missing-run does not exist");
  });

  it("names the field of bad input", async () => {
    const viewer = staff.people.viewer;
    await expectBadField(store, viewer, "compare.runs", { runIds: [] }, "runIds", "query");
    await expectBadField(store, viewer, "compare.runs", { runIds: [runs.narrow, runs.narrow] }, "runIds", "query");
    await expectBadField(store, viewer, "compare.runs", { runIds: [runs.narrow], size: "pixels" }, "size", "query");
    await expectBadField(store, viewer, "compare.runs", { runIds: [runs.narrow], points: "some" }, "points", "query");
  });
});

describe("compare.runs at its limit", () => {
  /** 20 experiments (epochs 1..20) x 10 seeds, each run with the fixture's rows shifted by its index. */
  const manyRunIds: string[] = [];

  beforeAll(async () => {
    const project = await staff.member.project.create({ teamId: staff.team.id, name: "Many" });
    for (let e = 0; e < MAX_COMPARED_RUNS / 10; e++) {
      const experiment = await staff.member.experiment.create({
        projectId: project.id,
        name: `many ${e}`,
        config: smallConfig({ epochs: e + 1, seed: 1 }),
        runs: 10,
      });
      manyRunIds.push(...experiment.runs.recent.map((run) => run.id).sort());
    }
    const [first, ...rest] = manyRunIds as [string, ...string[]];
    await recordRunResults(store, first, runResultsFixture());
    // The other runs get copies of the first one's rows, straight into the store (one statement):
    // run i's rows are i bytes larger, so each series is told apart by its sizes.
    const rows = await db.resultRow.findMany({ where: { runId: first } });
    await db.resultRow.createMany({
      data: rest.flatMap((runId, i) =>
        rows.map(({ id: _id, runId: _runId, ...row }) => ({ ...row, runId, bytes: row.bytes + i + 1 })),
      ),
    });
  });

  it(`compares ${MAX_COMPARED_RUNS} runs: every series in its place, frontier points only`, async () => {
    const reversed = [...manyRunIds].reverse();
    const comparison = await staff.viewer.compare.runs({ runIds: reversed });
    expect(comparison.runs.map((run) => run.runId)).toEqual(reversed);
    expect(comparison.series.map((entry) => entry.runId)).toEqual(reversed);
    // reversed[j] is run number 199 - j: its sizes are the fixture's frontier sizes plus that.
    for (const [j, entry] of comparison.series.entries()) {
      const shift = MAX_COMPARED_RUNS - 1 - j;
      expect(entry.points.rowKeys).toEqual(["small", "mid", "full"]);
      expect(entry.points.sizes).toEqual([100 + shift, 200 + shift, 400 + shift]);
    }
    // Ten seeds of twenty experiments: the seed and the epochs differ, nothing else does.
    expect(comparison.config.filter((field) => field.differs).map((field) => field.path)).toEqual([
      "seed",
      "training.epochs",
    ]);
    const epochs = comparison.config.find((field) => field.path === "training.epochs");
    expect(epochs?.differs === true ? epochs.values.slice(0, 11) : null).toEqual([
      20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 19,
    ]);

    const all = await staff.viewer.compare.runs({ runIds: manyRunIds, points: "all", size: "parameters" });
    expect(all.series.every((entry) => entry.points.rowKeys.length === 4)).toBe(true);
  });

  it(`refuses ${MAX_COMPARED_RUNS + 1} runs, saying how many it takes and what to do`, async () => {
    const tooMany = [...manyRunIds, runs.narrow];
    const error = await expectBadField(
      store,
      staff.people.viewer,
      "compare.runs",
      { runIds: tooMany },
      "runIds",
      "query",
    );
    expect(error.message).toContain(`compare at most ${MAX_COMPARED_RUNS} runs at once`);
    expect(error.message).toContain("leave some out of the selection");
  });
});
