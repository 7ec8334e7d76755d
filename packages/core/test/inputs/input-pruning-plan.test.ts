import { thrownDeadweightError as thrown } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import type { InputStats } from "../../src/inputs/input-feature-stats.js";
import { planInputPruning } from "../../src/inputs/input-pruning-plan.js";

const STATS: InputStats = {
  sampleCount: 10,
  features: [
    { mean: 0, std: 0 },
    { mean: 0.5, std: 0.3 },
    { mean: 2, std: 0.01 },
    { mean: -1, std: 0 },
    { mean: 4, std: 1 },
  ],
};

describe("planInputPruning", () => {
  it("removes the features whose std is at or under the threshold and folds their means", () => {
    const plan = planInputPruning(STATS, 0.01);
    expect(plan.originalWidth).toBe(5);
    expect(plan.kept).toEqual([1, 4]);
    expect(plan.foldedValues).toEqual([0, 0.5, 2, -1, 4]);
    expect(plan.stdThreshold).toBe(0.01);
  });

  it("with threshold 0 removes only the exactly constant features", () => {
    expect(planInputPruning(STATS, 0).kept).toEqual([1, 2, 4]);
  });

  it("never removes every feature: the one with the largest std stays", () => {
    expect(planInputPruning(STATS, 5).kept).toEqual([4]);
    const allConstant: InputStats = {
      sampleCount: 3,
      features: [
        { mean: 1, std: 0 },
        { mean: 2, std: 0 },
      ],
    };
    expect(planInputPruning(allConstant, 0).kept).toEqual([0]);
  });

  it.each([-0.1, Number.NaN, Number.POSITIVE_INFINITY])("refuses the threshold %s", (threshold) => {
    const error = thrown(() => planInputPruning(STATS, threshold));
    expect(error.code).toBe("INVALID_THRESHOLD");
    expect(error.message).toContain("finite number >= 0");
  });

  it("refuses statistics with a NaN, naming the feature", () => {
    const broken: InputStats = {
      sampleCount: 2,
      features: [
        { mean: 1, std: 1 },
        { mean: Number.NaN, std: 0 },
      ],
    };
    const error = thrown(() => planInputPruning(broken, 0));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("input feature 1 has mean NaN");
  });
});
