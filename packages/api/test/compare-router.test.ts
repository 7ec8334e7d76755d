import { beforeAll, describe, expect, it } from "vitest";
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

const { store } = await createTestDatabase();

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
    expect(differing).toEqual([
      { path: "model.hidden", values: [[16], [8, 4], [8, 4]], differs: true },
      { path: "seed", values: [7, 7, 8], differs: true },
      { path: "training.epochs", values: [3, 1, 1], differs: true },
    ]);
    const same = comparison.config.find((field) => field.path === "pruning.means");
    expect(same).toMatchObject({
      differs: false,
      values: [[0, 0.05, 0.1, 0.2, 0.3, 0.5], expect.anything(), expect.anything()],
    });
    expect(comparison.config.map((field) => field.path)).toContain("training.batchSize");

    const alone = await staff.viewer.compare.runs({ runIds: [runs.narrow] });
    expect(alone.config.some((field) => field.differs)).toBe(false);
  });

  it("aligns each run's trade-off series by size with its validation Pareto frontier", async () => {
    const comparison = await staff.viewer.compare.runs({ runIds: [runs.narrow, runs.narrowAgain, runs.wide] });
    const [narrow, narrowAgain, wide] = comparison.series;
    expect(comparison.size).toBe("bytes");

    // Sorted by size; the emptied row has no model and no point.
    expect(narrow?.points.map((point) => [point.rowKey, point.size, point.onFrontier])).toEqual([
      ["small", 100, true],
      ["mid", 200, true],
      ["dominated", 300, false],
      ["full", 400, true],
    ]);
    expect(narrow?.points[0]).toMatchObject({ validationAccuracy: 0.8, testAccuracy: 0.85 });
    expect(narrow?.points.filter((point) => point.onFrontier).map((point) => point.rowKey)).toEqual([
      "small",
      "mid",
      "full",
    ]);
    expect(narrow?.base).toEqual({ size: 500, validationAccuracy: 0.96, testAccuracy: 0.95 });

    // The best test accuracy does not put a row on the frontier: it is chosen on validation.
    expect(narrowAgain?.points.map((point) => point.size)).toEqual([200, 400, 600, 800]);
    expect(narrowAgain?.points.filter((point) => point.onFrontier).map((point) => point.rowKey)).toEqual([
      "small",
      "mid",
      "full",
    ]);

    // Not reported yet: an empty series, still in its place.
    expect(wide).toEqual({ runId: runs.wide, base: null, points: [] });

    const byParameters = await staff.viewer.compare.runs({ runIds: [runs.narrow], size: "parameters" });
    expect(byParameters.series[0]?.points.map((point) => point.size)).toEqual([25, 50, 75, 100]);
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
    const tooMany = Array.from({ length: 51 }, (_, i) => `run-${i}`);
    const error = await expectBadField(store, viewer, "compare.runs", { runIds: tooMany }, "runIds", "query");
    expect(error.message).toContain("at most 50");
    await expectBadField(store, viewer, "compare.runs", { runIds: [runs.narrow], size: "pixels" }, "size", "query");
  });
});
