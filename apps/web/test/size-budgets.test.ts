import { describe, expect, it } from "vitest";
import { bestUnderBudget, defaultSizeBudgets } from "../src/components/compare/size-budgets";

/** Points as compare sends them: columns, smallest first. */
const columns = (points: ReadonlyArray<readonly [size: number, validationAccuracy: number]>) => ({
  sizes: points.map(([size]) => size),
  validationAccuracies: points.map(([, accuracy]) => accuracy),
});

describe("size budgets", () => {
  it("spreads round budgets from the smallest to the largest size, the largest fitting everything", () => {
    expect(defaultSizeBudgets([1_000, 100_000], 3)).toEqual([1_000, 10_000, 100_000]);
    const budgets = defaultSizeBudgets([1_234, 98_765]);
    expect(budgets.at(-1)).toBeGreaterThanOrEqual(98_765);
    expect(budgets[0]).toBeGreaterThanOrEqual(1_234);
  });

  it("has one budget for one size and none for no sizes", () => {
    expect(defaultSizeBudgets([5_000, 5_000])).toEqual([5_000]);
    expect(defaultSizeBudgets([])).toEqual([]);
    expect(defaultSizeBudgets([0, 0])).toEqual([]);
  });

  it("takes as many sizes as 200 runs of all points give", () => {
    const sizes = Array.from({ length: 200_000 }, (_, i) => 1_000 + i);
    expect(defaultSizeBudgets(sizes, 2)).toEqual([1_000, 210_000]);
  });

  it("picks the best validation accuracy that fits, never choosing by test accuracy", () => {
    // Index 0 has the best test accuracy in a real run; validation decides.
    const points = columns([
      [100, 0.9],
      [200, 0.95],
      [300, 0.97],
    ]);
    expect(bestUnderBudget(points, 250)).toBe(1);
    expect(bestUnderBudget(points, 300)).toBe(2);
    expect(bestUnderBudget(points, 99)).toBeNull();
  });

  it("gives the same row from the frontier alone as from every point", () => {
    // 200 bytes (0.85) is dominated by 100 bytes (0.9); 300 and 400 tie on validation: the smaller wins.
    const all = columns([
      [100, 0.9],
      [200, 0.85],
      [300, 0.95],
      [400, 0.95],
    ]);
    const frontier = columns([
      [100, 0.9],
      [300, 0.95],
      [400, 0.95],
    ]);
    for (const budget of [100, 250, 350, 1_000]) {
      const fromAll = bestUnderBudget(all, budget);
      const fromFrontier = bestUnderBudget(frontier, budget);
      expect(fromAll === null ? null : all.sizes[fromAll]).toBe(
        fromFrontier === null ? null : frontier.sizes[fromFrontier],
      );
    }
    expect(all.sizes[bestUnderBudget(all, 1_000) ?? -1]).toBe(300);
  });
});
