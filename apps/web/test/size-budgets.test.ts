import { describe, expect, it } from "vitest";
import { bestUnderBudget, defaultSizeBudgets } from "../src/components/compare/size-budgets";

const point = (size: number, validationAccuracy: number, testAccuracy: number) => ({
  size,
  validationAccuracy,
  testAccuracy,
  rowKey: `s${size}`,
  resultRowId: `r${size}`,
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
  });

  it("picks the best validation accuracy that fits, never choosing by test accuracy", () => {
    const points = [point(100, 0.9, 0.99), point(200, 0.95, 0.9), point(300, 0.97, 0.97)];
    expect(bestUnderBudget(points, 250)?.rowKey).toBe("s200");
    expect(bestUnderBudget(points, 300)?.rowKey).toBe("s300");
    expect(bestUnderBudget(points, 99)).toBeNull();
  });
});
