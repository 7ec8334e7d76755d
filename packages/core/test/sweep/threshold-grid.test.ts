import { thrownDeadweightError as thrown } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import type { PruningThreshold } from "../../src/pruning/pruning-threshold.js";
import { DEFAULT_THRESHOLD_GRID, expandThresholdGrid, type ThresholdGrid } from "../../src/sweep/threshold-grid.js";

describe("expandThresholdGrid", () => {
  it("expands a mean/std grid mean-major, in grid order", () => {
    expect(expandThresholdGrid({ kind: "meanStd", means: [0.2, 0.1], stds: [1, 0.4] })).toEqual([
      { kind: "meanStd", mean: 0.2, std: 1 },
      { kind: "meanStd", mean: 0.2, std: 0.4 },
      { kind: "meanStd", mean: 0.1, std: 1 },
      { kind: "meanStd", mean: 0.1, std: 0.4 },
    ]);
  });

  it("expands the single-parameter criteria", () => {
    expect(expandThresholdGrid({ kind: "stdFold", stds: [0.05, 0.1] })).toEqual([
      { kind: "stdFold", std: 0.05 },
      { kind: "stdFold", std: 0.1 },
    ]);
    expect(expandThresholdGrid({ kind: "apoz", apozs: [0.9] })).toEqual([{ kind: "apoz", apoz: 0.9 }]);
    expect(expandThresholdGrid({ kind: "rank", keepFractions: [0.5, 0.25], score: "meanAbs" })).toEqual([
      { kind: "rank", keepFraction: 0.5, score: "meanAbs" },
      { kind: "rank", keepFraction: 0.25, score: "meanAbs" },
    ]);
  });

  it("removes duplicates, keeping the first occurrence's place", () => {
    expect(expandThresholdGrid({ kind: "meanStd", means: [0.1, 0.1], stds: [0.4, 0.2, 0.4] })).toEqual([
      { kind: "meanStd", mean: 0.1, std: 0.4 },
      { kind: "meanStd", mean: 0.1, std: 0.2 },
    ]);
    const list: PruningThreshold[] = [
      { kind: "apoz", apoz: 0.5 },
      { kind: "stdFold", std: 0.1 },
      { kind: "apoz", apoz: 0.5 },
    ];
    expect(expandThresholdGrid({ kind: "list", thresholds: list })).toEqual(list.slice(0, 2));
  });

  it.each<[ThresholdGrid, string]>([
    [{ kind: "meanStd", means: [], stds: [0.1] }, "means"],
    [{ kind: "meanStd", means: [0.1], stds: [] }, "stds"],
    [{ kind: "stdFold", stds: [] }, "stds"],
    [{ kind: "apoz", apozs: [] }, "apozs"],
    [{ kind: "rank", keepFractions: [], score: "std" }, "keepFractions"],
    [{ kind: "list", thresholds: [] }, "thresholds"],
  ])("rejects an empty grid %o with INVALID_THRESHOLD naming %s", (grid, field) => {
    const error = thrown(() => expandThresholdGrid(grid));
    expect(error.code).toBe("INVALID_THRESHOLD");
    expect(error.message).toContain(`the threshold grid is empty: ${field} needs at least one value`);
  });

  it.each<[ThresholdGrid, string]>([
    [{ kind: "meanStd", means: [0.1, Number.NaN], stds: [0.4] }, "mean must be a finite number >= 0, got NaN"],
    [{ kind: "meanStd", means: [0.1], stds: [0.4, -0.2] }, "std must be a finite number >= 0, got -0.2"],
    [{ kind: "stdFold", stds: [-1] }, "std must be a finite number >= 0, got -1"],
    [{ kind: "apoz", apozs: [2] }, "apoz must be a fraction between 0 and 1, got 2"],
    [{ kind: "rank", keepFractions: [0], score: "std" }, "keepFraction must be a fraction in (0, 1], got 0"],
    [
      { kind: "list", thresholds: [{ kind: "meanStd", mean: -1, std: 0 }] },
      "mean must be a finite number >= 0, got -1",
    ],
  ])("rejects a grid with an invalid value, %o, with INVALID_THRESHOLD naming the field", (grid, message) => {
    const error = thrown(() => expandThresholdGrid(grid));
    expect(error.code).toBe("INVALID_THRESHOLD");
    expect(error.message).toContain(message);
  });
});

describe("DEFAULT_THRESHOLD_GRID", () => {
  it("has 30 distinct mean/std thresholds, including the post's headline points 0.1/0.4 and 0.5/1", () => {
    const thresholds = expandThresholdGrid(DEFAULT_THRESHOLD_GRID);
    expect(thresholds).toHaveLength(30);
    expect(thresholds.every((threshold) => threshold.kind === "meanStd")).toBe(true);
    expect(thresholds).toContainEqual({ kind: "meanStd", mean: 0.1, std: 0.4 });
    expect(thresholds).toContainEqual({ kind: "meanStd", mean: 0.5, std: 1 });
  });
});
