import { rejectedDeadweightError } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import { evaluateAccuracy } from "../../src/model/evaluate-accuracy.js";
import { createMlpNetwork, readMlpWeights } from "../../src/model/mlp-network.js";
import type { MlpSpec } from "../../src/model/mlp-spec.js";
import type { MlpWeights } from "../../src/model/mlp-weights.js";
import { borrowNetworkTensors } from "../../src/model/network-tensors.js";
import {
  type TrainingOptions,
  type TrainingProgress,
  type TrainingSummary,
  trainMlp,
} from "../../src/model/train-mlp.js";
import { separableSplit } from "../synthetic-datasets.js";
import { expectNoTensorLeak } from "../tensor-leaks.js";

const SPLIT = separableSplit({ train: 200, validation: 100, test: 100 }, 4, 1);
const SPEC: MlpSpec = { inputSize: 4, hiddenSizes: [8], activation: "relu", classCount: 2 };
const OPTIONS: TrainingOptions = { epochs: 4, batchSize: 16, learningRate: 0.02, seed: 7 };

/** Trains a fresh network (network seed 3) and returns what a caller sees; the network is disposed. */
async function train(
  options: TrainingOptions,
  onProgress?: (progress: TrainingProgress) => void,
): Promise<{ summary: TrainingSummary; weights: MlpWeights; testAccuracy: number }> {
  const network = createMlpNetwork(SPEC, 3);
  try {
    const summary = await trainMlp(network, SPLIT, options, onProgress);
    return {
      summary,
      weights: readMlpWeights(network),
      testAccuracy: evaluateAccuracy(borrowNetworkTensors(network), SPLIT.test),
    };
  } finally {
    network.dispose();
  }
}

describe("trainMlp", () => {
  it("learns a linearly separable problem to > 90% accuracy in 4 epochs", async () => {
    const untrained = createMlpNetwork(SPEC, 3);
    const before = evaluateAccuracy(borrowNetworkTensors(untrained), SPLIT.validation);
    untrained.dispose();
    const { summary, testAccuracy } = await train(OPTIONS);
    const last = summary.epochs[summary.epochs.length - 1];
    expect(before).toBeLessThan(0.9);
    expect(summary.epochs.map((epoch) => epoch.epoch)).toEqual([1, 2, 3, 4]);
    expect(last?.validationAccuracy).toBeGreaterThan(0.9);
    expect(testAccuracy).toBeGreaterThan(0.9);
    // The loss falls: training is doing something, not just starting lucky.
    expect(last?.loss).toBeLessThan(summary.epochs[0]?.loss as number);
    // Exact: the same division of the same total.
    expect(summary.secondsPerEpoch).toBe(summary.seconds / 4);
  });

  it("reports progress every 10 batches and at each epoch end, with epoch, batch, loss and eta", async () => {
    const reports: TrainingProgress[] = [];
    const { summary } = await train(OPTIONS, (progress) => reports.push(progress));
    // 200 samples in batches of 16: 13 batches per epoch, the last one of 8 samples.
    expect(reports.map((report) => [report.epoch, report.batch])).toEqual([
      [1, 10],
      [1, 13],
      [2, 10],
      [2, 13],
      [3, 10],
      [3, 13],
      [4, 10],
      [4, 13],
    ]);
    for (const report of reports) {
      expect(report.epochs).toBe(4);
      expect(report.batchesPerEpoch).toBe(13);
      expect(report.loss).toBeGreaterThan(0);
      expect(Number.isFinite(report.loss)).toBe(true);
      expect(report.accuracy).toBeGreaterThanOrEqual(0);
      expect(report.accuracy).toBeLessThanOrEqual(1);
      expect(report.etaSeconds).toBeGreaterThanOrEqual(0);
    }
    const elapsed = reports.map((report) => report.elapsedSeconds);
    expect([...elapsed].sort((a, b) => a - b)).toEqual(elapsed);
    expect(reports[reports.length - 1]?.etaSeconds).toBe(0);
    // An epoch-end report shows the same running means the epoch summary records (same sums, same division).
    for (const epoch of summary.epochs) {
      const endOfEpoch = reports.find((report) => report.epoch === epoch.epoch && report.batch === 13);
      expect(endOfEpoch?.loss).toBe(epoch.loss);
      expect(endOfEpoch?.accuracy).toBe(epoch.trainAccuracy);
    }
  });

  it("is reproducible: the same seeds give bit-identical weights", async () => {
    const first = await train(OPTIONS);
    const second = await train(OPTIONS);
    for (const [index, layer] of first.weights.layers.entries()) {
      // Exact: same data order, same single-threaded wasm kernels.
      expect(second.weights.layers[index]?.kernel).toEqual(layer.kernel);
      expect(second.weights.layers[index]?.bias).toEqual(layer.bias);
    }
    expect(second.summary.epochs.map((epoch) => epoch.loss)).toEqual(first.summary.epochs.map((epoch) => epoch.loss));
  });

  it("shuffles differently for another seed", async () => {
    const first = await train({ ...OPTIONS, epochs: 1 });
    const second = await train({ ...OPTIONS, epochs: 1, seed: 8 });
    expect(second.weights.layers[0]?.kernel).not.toEqual(first.weights.layers[0]?.kernel);
  });

  it("leaves the network untouched for 0 epochs", async () => {
    const network = createMlpNetwork(SPEC, 3);
    const before = readMlpWeights(network);
    const summary = await trainMlp(network, SPLIT, { ...OPTIONS, epochs: 0 });
    expect(summary.epochs).toEqual([]);
    expect(summary.secondsPerEpoch).toBe(0);
    expect(readMlpWeights(network).layers[0]?.kernel).toEqual(before.layers[0]?.kernel);
    network.dispose();
  });

  it("throws NON_FINITE_LOSS, naming epoch and batch, when an absurd learning rate blows the weights up", async () => {
    // Adam moves every weight by about the learning rate on the first step: 1e30-sized weights make the
    // second batch's logits overflow float32 to infinity, and the softmax cross-entropy becomes NaN.
    const network = createMlpNetwork(SPEC, 3);
    const error = await rejectedDeadweightError(trainMlp(network, SPLIT, { ...OPTIONS, learningRate: 1e30 }));
    network.dispose();
    expect(error.code).toBe("NON_FINITE_LOSS");
    expect(error.message).toContain("training loss became NaN at epoch 1, batch 2: lower the learning rate");
  });

  it("throws CANCELED at the first batch when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const network = createMlpNetwork(SPEC, 3);
    const before = readMlpWeights(network);
    const error = await rejectedDeadweightError(trainMlp(network, SPLIT, { ...OPTIONS, signal: controller.signal }));
    expect(error.code).toBe("CANCELED");
    expect(error.message).toContain("epoch 1, batch 1");
    // Nothing was trained.
    expect(readMlpWeights(network).layers[0]?.kernel).toEqual(before.layers[0]?.kernel);
    network.dispose();
  });

  it("stops at the next batch boundary when the signal is aborted during training", async () => {
    const controller = new AbortController();
    const network = createMlpNetwork(SPEC, 3);
    const error = await rejectedDeadweightError(
      trainMlp(network, SPLIT, { ...OPTIONS, signal: controller.signal }, (progress) => {
        if (progress.epoch === 2 && progress.batch === 10) controller.abort();
      }),
    );
    network.dispose();
    expect(error.code).toBe("CANCELED");
    expect(error.message).toContain("epoch 2, batch 11");
  });

  it.each([
    ["epochs", { epochs: -1 }, "epochs must be a non-negative integer, got -1"],
    ["epochs", { epochs: 1.5 }, "epochs must be a non-negative integer, got 1.5"],
    ["batchSize", { batchSize: 0 }, "batchSize must be a positive integer, got 0"],
    ["learningRate", { learningRate: 0 }, "learningRate must be a positive number, got 0"],
    ["learningRate", { learningRate: Number.NaN }, "learningRate must be a positive number, got NaN"],
  ])("rejects an invalid %s with INVALID_OPTION", async (_field, override, message) => {
    const network = createMlpNetwork(SPEC, 3);
    const error = await rejectedDeadweightError(trainMlp(network, SPLIT, { ...OPTIONS, ...override }));
    network.dispose();
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain(message);
  });

  it("does not leak tensors (optimizer state included)", async () => {
    const network = createMlpNetwork(SPEC, 3);
    await expectNoTensorLeak(() => trainMlp(network, SPLIT, { ...OPTIONS, epochs: 2 }));
    network.dispose();
  });

  it("does not leak tensors when it fails or is canceled", async () => {
    const network = createMlpNetwork(SPEC, 3);
    const controller = new AbortController();
    await expectNoTensorLeak(async () => {
      await rejectedDeadweightError(trainMlp(network, SPLIT, { ...OPTIONS, learningRate: 1e30 }));
      await rejectedDeadweightError(
        trainMlp(network, SPLIT, { ...OPTIONS, signal: controller.signal }, () => controller.abort()),
      );
    });
    network.dispose();
  });
});
