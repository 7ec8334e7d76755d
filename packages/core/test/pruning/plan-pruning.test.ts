import { thrownDeadweightError as thrown } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import { assertValidThreshold, planPruning } from "../../src/pruning/plan-pruning.js";
import type { PruningThreshold } from "../../src/pruning/pruning-threshold.js";
import type { ActivationStats, NeuronStats } from "../../src/stats/activation-stats.js";

/** Statistics with only the fields a test cares about set; the rest are zero. */
function statsOf(layers: readonly (readonly Partial<NeuronStats>[])[]): ActivationStats {
  return {
    sampleCount: 100,
    layers: layers.map((neurons, layerIndex) => ({
      layerIndex,
      neurons: neurons.map((neuron) => ({ mean: 0, std: 0, min: 0, max: 0, apoz: 0, ...neuron })),
      histograms: [],
    })),
  };
}

describe("planPruning: meanStd", () => {
  const stats = statsOf([
    [
      { mean: -0.05, std: 0.1 }, // |mean| small, std small: pruned (a tanh neuron near zero from below)
      { mean: 0.05, std: 0.5 }, // std too large: kept
      { mean: 0.2, std: 0.1 }, // mean too large: kept
      { mean: 0.1, std: 0.4 }, // exactly on both limits: pruned (<=)
      { mean: -0.3, std: 0 }, // |mean| too large although negative: kept
    ],
  ]);

  it("prunes a neuron when |mean| <= mean and std <= std", () => {
    const plan = planPruning(stats, { kind: "meanStd", mean: 0.1, std: 0.4 });
    expect(plan.layers).toEqual([{ layerIndex: 0, originalSize: 5, kept: [1, 2, 4] }]);
    expect(plan.emptiedLayers).toEqual([]);
    expect(plan.threshold).toEqual({ kind: "meanStd", mean: 0.1, std: 0.4 });
  });

  it("keeps every neuron at threshold 0/0 unless it is exactly zero", () => {
    const withDead = statsOf([
      [
        { mean: 0, std: 0 },
        { mean: 1e-9, std: 0 },
        { mean: 0, std: 1e-9 },
      ],
    ]);
    expect(planPruning(withDead, { kind: "meanStd", mean: 0, std: 0 }).layers[0]?.kept).toEqual([1, 2]);
  });

  it("does not fold: no foldedValues", () => {
    expect(planPruning(stats, { kind: "meanStd", mean: 0.1, std: 0.4 }).layers[0]?.foldedValues).toBeUndefined();
  });
});

describe("planPruning: stdFold", () => {
  it("prunes near-constant neurons and records every neuron's mean as its folded value", () => {
    const stats = statsOf([
      [
        { mean: 3, std: 0 },
        { mean: 0.5, std: 0.2 },
        { mean: -1.5, std: 0.05 },
      ],
      [
        { mean: 7, std: 1 },
        { mean: 0, std: 0.1 },
      ],
    ]);
    const plan = planPruning(stats, { kind: "stdFold", std: 0.1 });
    expect(plan.layers.map((layer) => layer.kept)).toEqual([[1], [0]]);
    expect(Array.from(plan.layers[0]?.foldedValues ?? [])).toEqual([3, 0.5, -1.5]);
    expect(Array.from(plan.layers[1]?.foldedValues ?? [])).toEqual([7, 0]);
    expect(plan.layers[0]?.foldedValues).toBeInstanceOf(Float64Array);
  });
});

describe("planPruning: apoz", () => {
  it("prunes neurons that are exactly zero on at least the given fraction of samples", () => {
    const stats = statsOf([[{ apoz: 1 }, { apoz: 0.9 }, { apoz: 0.89 }, { apoz: 0 }]]);
    expect(planPruning(stats, { kind: "apoz", apoz: 0.9 }).layers[0]?.kept).toEqual([2, 3]);
    expect(planPruning(stats, { kind: "apoz", apoz: 1 }).layers[0]?.kept).toEqual([1, 2, 3]);
  });
});

describe("planPruning: rank", () => {
  const stats = statsOf([
    [
      { std: 0.3, mean: -5, apoz: 0.5 },
      { std: 0.9, mean: 1, apoz: 0.9 },
      { std: 0.3, mean: 2, apoz: 0 },
      { std: 0.1, mean: 0, apoz: 0.1 },
      { std: 0.5, mean: -3, apoz: 0.2 },
    ],
  ]);

  it("keeps ceil(keepFraction * n) neurons with the highest std, in ascending index order", () => {
    // ceil(0.5 * 5) = 3: std 0.9 (1), 0.5 (4), then 0.3 twice (0 and 2): the tie goes to the lower index.
    expect(planPruning(stats, { kind: "rank", keepFraction: 0.5, score: "std" }).layers[0]?.kept).toEqual([0, 1, 4]);
  });

  it("ranks by |mean| for meanAbs and by 1 - apoz for nonZeroFraction", () => {
    expect(planPruning(stats, { kind: "rank", keepFraction: 0.4, score: "meanAbs" }).layers[0]?.kept).toEqual([0, 4]);
    expect(planPruning(stats, { kind: "rank", keepFraction: 0.4, score: "nonZeroFraction" }).layers[0]?.kept).toEqual([
      2, 3,
    ]);
  });

  it("keeps exactly 7 of 25 for keepFraction 0.28, although 0.28 * 25 is 7.000000000000001 in floating point", () => {
    const many = statsOf([Array.from({ length: 25 }, (_, i) => ({ std: i }))]);
    expect(0.28 * 25).toBeGreaterThan(7);
    expect(planPruning(many, { kind: "rank", keepFraction: 0.28, score: "std" }).layers[0]?.kept).toEqual([
      18, 19, 20, 21, 22, 23, 24,
    ]);
  });

  it("keeps at least one neuron per layer, so rank never empties a layer", () => {
    const plan = planPruning(stats, { kind: "rank", keepFraction: 0.01, score: "std" });
    expect(plan.layers[0]?.kept).toEqual([1]);
    expect(plan.emptiedLayers).toEqual([]);
  });

  it("is deterministic when every score ties: the lowest indices stay", () => {
    const flat = statsOf([Array.from({ length: 6 }, () => ({ std: 0.5 }))]);
    expect(planPruning(flat, { kind: "rank", keepFraction: 0.5, score: "std" }).layers[0]?.kept).toEqual([0, 1, 2]);
  });

  it("keeps everything at keepFraction 1", () => {
    expect(planPruning(stats, { kind: "rank", keepFraction: 1, score: "std" }).layers[0]?.kept).toEqual([
      0, 1, 2, 3, 4,
    ]);
  });
});

describe("planPruning: emptied layers", () => {
  it("lists the hidden layers a threshold would empty, and only those", () => {
    const stats = statsOf([[{ std: 1, mean: 1 }, { std: 0 }], [{ std: 0 }, { std: 0.01 }], [{ std: 0 }]]);
    const plan = planPruning(stats, { kind: "meanStd", mean: 0.1, std: 0.1 });
    expect(plan.layers.map((layer) => layer.kept)).toEqual([[0], [], []]);
    expect(plan.emptiedLayers).toEqual([1, 2]);
  });
});

describe("assertValidThreshold / planPruning: invalid thresholds", () => {
  const stats = statsOf([[{ std: 1 }]]);

  it.each<[PruningThreshold, string]>([
    [{ kind: "meanStd", mean: -0.1, std: 0.4 }, "mean must be a finite number >= 0, got -0.1"],
    [{ kind: "meanStd", mean: Number.NaN, std: 0.4 }, "mean must be a finite number >= 0, got NaN"],
    [{ kind: "meanStd", mean: 0.1, std: -1 }, "std must be a finite number >= 0, got -1"],
    [{ kind: "meanStd", mean: 0.1, std: Number.POSITIVE_INFINITY }, "std must be a finite number >= 0, got Infinity"],
    [{ kind: "stdFold", std: Number.NaN }, "std must be a finite number >= 0, got NaN"],
    [{ kind: "apoz", apoz: 1.5 }, "apoz must be a fraction between 0 and 1, got 1.5"],
    [{ kind: "apoz", apoz: -0.5 }, "apoz must be a fraction between 0 and 1, got -0.5"],
    [{ kind: "apoz", apoz: Number.NaN }, "apoz must be a fraction between 0 and 1, got NaN"],
    [{ kind: "rank", keepFraction: 0, score: "std" }, "keepFraction must be a fraction in (0, 1], got 0"],
    [{ kind: "rank", keepFraction: 1.5, score: "std" }, "keepFraction must be a fraction in (0, 1], got 1.5"],
    [{ kind: "rank", keepFraction: 0.5, score: "max" as "std" }, "score must be"],
  ])("rejects %o with INVALID_THRESHOLD naming the field", (threshold, message) => {
    for (const action of [() => assertValidThreshold(threshold), () => planPruning(stats, threshold)]) {
      const error = thrown(action);
      expect(error.code).toBe("INVALID_THRESHOLD");
      expect(error.message).toContain(message);
    }
  });

  it("rejects an unknown criterion, listing the known ones", () => {
    const error = thrown(() => planPruning(stats, { kind: "magnitude" } as unknown as PruningThreshold));
    expect(error.code).toBe("INVALID_THRESHOLD");
    expect(error.message).toContain('unknown criterion "magnitude": use meanStd, stdFold, apoz or rank');
  });
});
