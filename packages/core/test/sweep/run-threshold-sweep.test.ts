import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import type { Dataset } from "../../src/data/dataset.js";
import { type DenseLayerTensors, denseForward } from "../../src/model/dense-forward.js";
import { evaluateAccuracy } from "../../src/model/evaluate-accuracy.js";
import { buildMlpNetwork } from "../../src/model/mlp-network.js";
import { float32Bytes, type MlpWeights, parameterCount } from "../../src/model/mlp-weights.js";
import { borrowNetworkTensors } from "../../src/model/network-tensors.js";
import { applyPruningPlan } from "../../src/pruning/apply-pruning-plan.js";
import { planPruning } from "../../src/pruning/plan-pruning.js";
import { type PruningThreshold, thresholdId } from "../../src/pruning/pruning-threshold.js";
import type { ActivationStats } from "../../src/stats/activation-stats.js";
import { measureActivations } from "../../src/stats/measure-activations.js";
import { paretoFrontier } from "../../src/sweep/pareto-frontier.js";
import { runThresholdSweep, type ThresholdSweep } from "../../src/sweep/run-threshold-sweep.js";
import type { SweepRow } from "../../src/sweep/sweep-row.js";
import { editedWeights, randomMlpWeights } from "../mlp-fixtures.js";
import { randomFeatures } from "../synthetic-datasets.js";
import { expectNoTensorLeak } from "../tensor-leaks.js";

/**
 * 6 inputs -> 8 -> 5 hidden (relu) -> 3 classes with random weights, plus a dead neuron (1:2), a
 * constant one (1:6, always 0.8) and a dead one in layer 2 (2:4), so thresholds cut different sets.
 */
const WEIGHTS = editedWeights(randomMlpWeights([6, 8, 5, 3], 34), (layers) => {
  const silence = (layer: number, neuron: number, bias: number) => {
    const { kernel, bias: biases } = layers[layer] as { kernel: Float32Array; bias: Float32Array };
    for (let row = 0; row < kernel.length / biases.length; row++) kernel[row * biases.length + neuron] = 0;
    biases[neuron] = bias;
  };
  silence(0, 2, -1);
  silence(0, 6, 0.8);
  silence(1, 4, -0.5);
});

const THRESHOLDS: PruningThreshold[] = [
  { kind: "meanStd", mean: 0, std: 0 },
  { kind: "stdFold", std: 0 },
  { kind: "rank", keepFraction: 0.5, score: "std" },
  { kind: "meanStd", mean: 100, std: 100 }, // removes everything: both layers emptied
  { kind: "apoz", apoz: 1 }, // the same neurons as meanStd 0/0 (relu: zero mean and std <=> always zero)
  { kind: "rank", keepFraction: 0.25, score: "meanAbs" },
  { kind: "meanStd", mean: 0.3, std: 0.3 },
];

/** Labels that the base network gets right except on every 4th sample, so accuracies are neither 0 nor 1. */
function labelledBy(weights: MlpWeights, name: string, count: number, seed: number): Dataset {
  const features = randomFeatures(count, 6, seed);
  const network = buildMlpNetwork(weights);
  const predicted = tf.tidy(() => tf.argMax(network.predict(tf.tensor2d(features, [count, 6])) as tf.Tensor, 1));
  const labels = Int32Array.from(predicted.dataSync(), (label, i) => (i % 4 === 3 ? (label + 1) % 3 : label));
  predicted.dispose();
  network.dispose();
  return { name, features, labels, featureCount: 6, classCount: 3 };
}

const VALIDATION = labelledBy(WEIGHTS, "validation", 60, 32);
const TEST = labelledBy(WEIGHTS, "test", 40, 33);

/** The smallest gap between the two largest logits over a dataset: how far each prediction is from a tie. */
function smallestLogitGap(layers: readonly DenseLayerTensors[], dataset: Dataset): number {
  const logits = tf.tidy(() =>
    layers.reduce((x, layer) => denseForward(x, layer), tf.tensor2d(dataset.features, [dataset.labels.length, 6])),
  );
  const values = logits.arraySync() as number[][];
  logits.dispose();
  return Math.min(
    ...values.map((row) => {
      const sorted = [...row].sort((a, b) => b - a);
      return (sorted[0] as number) - (sorted[1] as number);
    }),
  );
}

/** Accuracy of the physically pruned network, built as a user would build it, on the raw inputs. */
function prunedAccuracies(row: SweepRow): {
  validation: number;
  test: number;
  gap: number;
  parameters: number;
  bytes: number;
} {
  const pruned = applyPruningPlan(WEIGHTS, planPruning(stats, row.threshold));
  const network = buildMlpNetwork(pruned);
  try {
    const layers = borrowNetworkTensors(network);
    return {
      validation: evaluateAccuracy(layers, VALIDATION),
      test: evaluateAccuracy(layers, TEST),
      gap: Math.min(smallestLogitGap(layers, VALIDATION), smallestLogitGap(layers, TEST)),
      parameters: parameterCount(pruned),
      bytes: float32Bytes(pruned),
    };
  } finally {
    network.dispose();
  }
}

let stats: ActivationStats;
let sweep: ThresholdSweep;
const progress: { done: number; total: number; rowId: string }[] = [];

beforeAll(async () => {
  const network = buildMlpNetwork(WEIGHTS);
  stats = await measureActivations(borrowNetworkTensors(network), VALIDATION);
  network.dispose();
  sweep = await runThresholdSweep({
    weights: WEIGHTS,
    stats,
    validation: VALIDATION,
    test: TEST,
    thresholds: THRESHOLDS,
    onProgress: (report) => progress.push(report),
  });
});

const okRows = () => sweep.rows.filter((row) => row.status === "ok");

describe("runThresholdSweep", () => {
  it("measures the base model: sizes, and the accuracy of the unpruned network", () => {
    const network = buildMlpNetwork(WEIGHTS);
    const layers = borrowNetworkTensors(network);
    expect(sweep.base.hiddenSizes).toEqual([8, 5]);
    expect(sweep.base.parameters).toBe(parameterCount(WEIGHTS));
    expect(sweep.base.parameters).toBe(6 * 8 + 8 + 8 * 5 + 5 + 5 * 3 + 3);
    expect(sweep.base.bytes).toBe(4 * sweep.base.parameters);
    // Exact: labels are the network's own predictions with every 4th one changed.
    expect(sweep.base.validationAccuracy).toBe(45 / 60);
    expect(sweep.base.testAccuracy).toBe(30 / 40);
    expect(evaluateAccuracy(layers, VALIDATION)).toBe(sweep.base.validationAccuracy);
    expect(sweep.base.latencyMsPerSample).toBeGreaterThan(0);
    network.dispose();
  });

  it("returns one row per threshold, in order, with the threshold's id", () => {
    expect(sweep.rows.map((row) => row.id)).toEqual(THRESHOLDS.map(thresholdId));
    expect(sweep.rows.map((row) => row.threshold)).toEqual(THRESHOLDS);
    expect(sweep.rows.map((row) => row.status)).toEqual(["ok", "ok", "ok", "emptied-layer", "ok", "ok", "ok"]);
  });

  it("gives each ok row exactly the accuracy of the physically pruned network on the same data", () => {
    for (const row of okRows()) {
      const direct = prunedAccuracies(row);
      // Tolerance 0 (not even one sample): the sweep's cached first layer and the built network compute
      // the same float32 logits up to rounding (~1e-6), and the precondition below shows no sample is
      // that close to a tie between its two top classes, so every argmax, hence every count, agrees.
      expect(direct.gap).toBeGreaterThan(1e-4);
      expect(row.validationAccuracy).toBe(direct.validation);
      expect(row.testAccuracy).toBe(direct.test);
    }
  });

  it("prunes something different at each threshold (the fixture is not degenerate)", () => {
    const kept = new Set(okRows().map((row) => row.keptNeurons.join("-")));
    expect(kept.size).toBeGreaterThanOrEqual(4);
    const accuracies = new Set(okRows().map((row) => row.validationAccuracy));
    expect(accuracies.size).toBeGreaterThanOrEqual(3);
  });

  it("reports parameters and bytes of the pruned network, and consistent reductions and drops", () => {
    const baseNeurons = 8 + 5;
    for (const row of okRows()) {
      const direct = prunedAccuracies(row);
      const plan = planPruning(stats, row.threshold);
      expect(row.parameters).toBe(direct.parameters);
      expect(row.bytes).toBe(direct.bytes);
      expect(row.keptNeurons).toEqual(plan.layers.map((layer) => layer.kept.length));
      expect(row.keptNeuronTotal).toBe(row.keptNeurons.reduce((sum, n) => sum + n, 0));
      // 1e-9: the same percentages recomputed in float64.
      const base = sweep.base;
      expect(row.parameterReductionPercent).toBeCloseTo(
        (100 * (base.parameters - row.parameters)) / base.parameters,
        9,
      );
      expect(row.neuronReductionPercent).toBeCloseTo((100 * (baseNeurons - row.keptNeuronTotal)) / baseNeurons, 9);
      expect(row.validationAccuracyDrop).toBeCloseTo(
        100 * (base.validationAccuracy - (row.validationAccuracy as number)),
        9,
      );
      expect(row.testAccuracyDrop).toBeCloseTo(100 * (base.testAccuracy - (row.testAccuracy as number)), 9);
      expect(row.latencyMsPerSample).toBeGreaterThan(0);
    }
  });

  it("cuts the dead neurons at mean 0 / std 0, and the constant one too when folding", () => {
    const exact = planPruning(stats, { kind: "meanStd", mean: 0, std: 0 });
    const fold = planPruning(stats, { kind: "stdFold", std: 0 });
    expect(exact.layers[0]?.kept).toEqual([0, 1, 3, 4, 5, 6, 7]);
    expect(fold.layers[0]?.kept).toEqual([0, 1, 3, 4, 5, 7]);
    expect(exact.layers[1]?.kept).not.toContain(4);
    // Removing dead neurons and folding constant ones changes no prediction.
    expect(sweep.rows[0]?.validationAccuracy).toBe(sweep.base.validationAccuracy);
    expect(sweep.rows[1]?.validationAccuracy).toBe(sweep.base.validationAccuracy);
    expect(sweep.rows[1]?.testAccuracy).toBe(sweep.base.testAccuracy);
  });

  it("reports a threshold that empties a layer as an 'emptied-layer' row with a note, not a crash", () => {
    const row = sweep.rows[3] as SweepRow;
    expect(row.status).toBe("emptied-layer");
    expect(row.note).toContain("removes every neuron of hidden layer 1, 2");
    expect(row.keptNeurons).toEqual([0, 0]);
    // Only the output layer's 3 biases would be left.
    expect(row.parameters).toBe(3);
    expect(row.bytes).toBe(12);
    expect(row.neuronReductionPercent).toBe(100);
    expect([row.validationAccuracy, row.testAccuracy, row.validationAccuracyDrop, row.latencyMsPerSample]).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(row.pareto).toBe(false);
  });

  it("flags exactly the ok rows on the Pareto frontier of validation accuracy vs parameters", () => {
    const ok = sweep.rows.flatMap((row, index) => (row.status === "ok" ? [index] : []));
    const frontier = paretoFrontier(
      ok.map((index) => ({
        size: (sweep.rows[index] as SweepRow).parameters,
        accuracy: (sweep.rows[index] as SweepRow).validationAccuracy as number,
      })),
    );
    const expected = sweep.rows.map((_, index) => ok.includes(index) && frontier.has(ok.indexOf(index)));
    expect(sweep.rows.map((row) => row.pareto)).toEqual(expected);
    // Not trivially all or none: folding beats plain dead-neuron removal (smaller, as accurate).
    expect(expected.some(Boolean)).toBe(true);
    expect(expected.filter((flag, index) => !flag && sweep.rows[index]?.status === "ok").length).toBeGreaterThan(0);
  });

  it("gives two thresholds with the same plan identical measurements", () => {
    const plans = [THRESHOLDS[0], THRESHOLDS[4]].map((threshold) => planPruning(stats, threshold as PruningThreshold));
    expect(plans[1]?.layers).toEqual(plans[0]?.layers);
    const { id: _a, threshold: _b, ...first } = sweep.rows[0] as SweepRow;
    const { id: _c, threshold: _d, ...second } = sweep.rows[4] as SweepRow;
    expect(second).toEqual(first);
  });

  it("reports progress after every threshold", () => {
    expect(progress).toEqual(
      THRESHOLDS.map((threshold, index) => ({ done: index + 1, total: 7, rowId: thresholdId(threshold) })),
    );
  });

  it("does not leak tensors", async () => {
    await expectNoTensorLeak(() =>
      runThresholdSweep({ weights: WEIGHTS, stats, validation: VALIDATION, test: TEST, thresholds: THRESHOLDS }),
    );
  });
});
