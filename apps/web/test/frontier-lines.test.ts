import { describe, expect, it } from "vitest";
import { drawnPointsOf, frontierLines, WHOLE_LINE } from "../src/components/compare/frontier-lines";
import type { RunComparison } from "../src/lib/router-outputs";

type Series = RunComparison["series"];

/** A compared run's columns, as compare.runs answers them. */
function run(runId: string, sizes: number[], testAccuracies: number[], onFrontier: boolean[] | null = null) {
  return {
    runId,
    points: {
      rowKeys: sizes.map((_, i) => `row-${i}`),
      sizes,
      validationAccuracies: testAccuracies,
      testAccuracies,
      onFrontier,
    },
  } as unknown as Series[number];
}

describe("frontier lines", () => {
  const series = [
    run("a", [100, 60, 30], [0.95, 0.94, 0.9]),
    run("b", [90, 50, 40, 20], [0.96, 0.9, 0.93, 0.8], [true, false, true, true]),
    run("c", [80], [0.5]),
  ] as Series;

  it("draws each run's frontier points in order, with their index in the run's columns", () => {
    expect(drawnPointsOf(series[0]?.points as Series[number]["points"])).toEqual([
      [100, 95, 0],
      [60, 94, 1],
      [30, 90, 2],
    ]);
    // With every point in the answer, only those on the frontier: index 1 is not.
    expect(drawnPointsOf(series[1]?.points as Series[number]["points"]).map(([, , index]) => index)).toEqual([0, 2, 3]);
  });

  it("gives every run one row for its whole line, spanning all its sizes and accuracies", () => {
    const lines = frontierLines(series, { leftOut: new Set(), withPoints: false });
    expect(lines.rows).toEqual([
      [30, 100, 90, 95, 0, WHOLE_LINE],
      [20, 90, 80, 96, 1, WHOLE_LINE],
      [80, 80, 50, 50, 2, WHOLE_LINE],
    ]);
    expect(lines.pointsByRun).toHaveLength(3);
  });

  it("adds a row per point with symbols, and leaves hidden runs and the baseline out (run indices unchanged)", () => {
    const lines = frontierLines(series, { leftOut: new Set(["a", "c"]), withPoints: true });
    expect(lines.rows).toEqual([
      [20, 90, 80, 96, 1, WHOLE_LINE],
      [90, 90, 96, 96, 1, 0],
      [40, 40, 93, 93, 1, 2],
      [20, 20, 80, 80, 1, 3],
    ]);
    // Points of runs left out stay known (the baseline's own series draws them).
    expect(lines.pointsByRun[0]).toHaveLength(3);
  });

  it("draws nothing for a run without results yet", () => {
    expect(frontierLines([run("empty", [], [])] as Series, { leftOut: new Set(), withPoints: true }).rows).toEqual([]);
  });
});
