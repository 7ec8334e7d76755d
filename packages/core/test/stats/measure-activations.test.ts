import { rejectedDeadweightError } from "@deadweight/test-support";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import type { Dataset } from "../../src/data/dataset.js";
import {
  type DenseLayerTensors,
  denseForward,
  disposeDenseLayers,
  uploadDenseLayer,
} from "../../src/model/dense-forward.js";
import { buildMlpNetwork } from "../../src/model/mlp-network.js";
import type { MlpWeights } from "../../src/model/mlp-weights.js";
import { borrowNetworkTensors } from "../../src/model/network-tensors.js";
import type { ActivationStats, NeuronStats } from "../../src/stats/activation-stats.js";
import { LayerActivationAccumulator } from "../../src/stats/layer-activation-accumulator.js";
import { type MeasureOptions, measureActivations } from "../../src/stats/measure-activations.js";
import { denseLayer, editedWeights, randomMlpWeights } from "../mlp-fixtures.js";
import { randomFeatures } from "../synthetic-datasets.js";
import { expectNoTensorLeak } from "../tensor-leaks.js";
import { naiveNeuronStats } from "./naive-activation-stats.js";

const X0 = [0, 0.25, 0.5, 1, 2, 3];
const X1 = [1, -1, 2, 0.5, -3, 4];

/** Six samples of two features: x0 in [0, 3] (exact binary fractions), x1 arbitrary. */
const SIX_SAMPLES: Dataset = {
  name: "six",
  features: Float32Array.from(X0.flatMap((x0, i) => [x0, X1[i] as number])),
  labels: Int32Array.from([0, 1, 0, 1, 0, 1]),
  featureCount: 2,
  classCount: 2,
};

/**
 * Hidden layer 1 (2 -> 3, relu): [relu(-1) = 0 always, relu(0.5) = 0.5 always, relu(x0) = x0].
 * Hidden layer 2 (3 -> 2, relu): [2 * 0.5 + x0 = 1 + x0, relu(-x0) = 0]; the dead neuron's weights (5)
 * never reach it. Every activation is exact in float32.
 */
const HAND_BUILT: MlpWeights = {
  layers: [
    denseLayer(2, 3, [0, 0, 1, 0, 0, 0], [-1, 0.5, 0], "relu"),
    denseLayer(3, 2, [5, 5, 2, 0, 1, -1], [0, 0], "relu"),
    denseLayer(2, 2, [1, 0, 0, 1], [0, 0], "softmax"),
  ],
};

async function measure(weights: MlpWeights, dataset: Dataset, options: MeasureOptions = {}): Promise<ActivationStats> {
  const layers = weights.layers.map(uploadDenseLayer);
  try {
    return await measureActivations(layers, dataset, options);
  } finally {
    disposeDenseLayers(layers);
  }
}

/** mean/std within 1e-12 relative (float64 merges of exact inputs), the rest exact. */
function expectStatsClose(actual: NeuronStats | undefined, expected: NeuronStats): void {
  const { mean, std, min, max, apoz } = actual as NeuronStats;
  expect(Math.abs(mean - expected.mean)).toBeLessThanOrEqual(1e-12 * Math.abs(expected.mean));
  expect(Math.abs(std - expected.std)).toBeLessThanOrEqual(1e-12 * expected.std);
  expect({ min, max, apoz }).toEqual({ min: expected.min, max: expected.max, apoz: expected.apoz });
}

describe("measureActivations", () => {
  it("measures a dead, a constant and a varying neuron exactly on a hand-built network", async () => {
    const stats = await measure(HAND_BUILT, SIX_SAMPLES, { histogramBins: 4 });
    expect(stats.sampleCount).toBe(6);
    expect(stats.layers.map((layer) => layer.layerIndex)).toEqual([0, 1]);
    const [first, second] = stats.layers;
    expect(first?.neurons[0]).toEqual({ mean: 0, std: 0, min: 0, max: 0, apoz: 1 });
    expect(first?.neurons[1]).toEqual({ mean: 0.5, std: 0, min: 0.5, max: 0.5, apoz: 0 });
    expectStatsClose(first?.neurons[2], naiveNeuronStats(X0));
    expectStatsClose(second?.neurons[0], naiveNeuronStats(X0.map((x0) => 1 + x0)));
    expect(second?.neurons[1]).toEqual({ mean: 0, std: 0, min: 0, max: 0, apoz: 1 });
    // Hand check of the reference: x0 has mean 6.75 / 6 and population variance 6.71875 / 6.
    expect(naiveNeuronStats(X0).mean).toBe(1.125);
    // 14 digits: two float64 routes to the same variance differ by an ulp at most.
    expect(naiveNeuronStats(X0).std).toBeCloseTo(Math.sqrt(6.71875 / 6), 14);
  });

  it("gives each layer its own histogram range, grown from [0, 1] by its largest activation", async () => {
    const stats = await measure(HAND_BUILT, SIX_SAMPLES, { histogramBins: 4 });
    const [first, second] = stats.layers;
    // Layer 1's largest value, 3, doubles [0, 1] to [0, 4]; layer 2's, 4, to [0, 8].
    expect(first?.histograms.map((histogram) => histogram.edges)).toEqual(new Array(3).fill([0, 1, 2, 3, 4]));
    expect(first?.histograms.map((histogram) => histogram.counts)).toEqual([
      [6, 0, 0, 0],
      [6, 0, 0, 0],
      [3, 1, 1, 1],
    ]);
    expect(second?.histograms[0]).toEqual({ edges: [0, 2, 4, 6, 8], counts: [3, 2, 1, 0] });
    expect(second?.histograms[1]).toEqual({ edges: [0, 2, 4, 6, 8], counts: [6, 0, 0, 0] });
  });

  it("uses 20 bins by default", async () => {
    const stats = await measure(HAND_BUILT, SIX_SAMPLES);
    const histogram = stats.layers[0]?.histograms[2];
    expect(histogram?.counts).toHaveLength(20);
    expect(histogram?.edges[20]).toBe(4);
    expect(histogram?.counts.reduce((sum, count) => sum + count, 0)).toBe(6);
  });

  it.each([1, 4, 5, 6, 2048])("gives the same statistics with chunks of %s samples", async (chunkSize) => {
    const reference = await measure(HAND_BUILT, SIX_SAMPLES, { histogramBins: 4, chunkSize: 6 });
    const stats = await measure(HAND_BUILT, SIX_SAMPLES, { histogramBins: 4, chunkSize });
    for (const [l, layer] of reference.layers.entries()) {
      expect(stats.layers[l]?.histograms).toEqual(layer.histograms);
      for (const [j, neuron] of layer.neurons.entries()) expectStatsClose(stats.layers[l]?.neurons[j], neuron);
    }
  });

  it("reports progress after every chunk", async () => {
    const reports: { samplesDone: number; samplesTotal: number }[] = [];
    await measure(HAND_BUILT, SIX_SAMPLES, { chunkSize: 4, onProgress: (progress) => reports.push({ ...progress }) });
    expect(reports).toEqual([
      { samplesDone: 4, samplesTotal: 6 },
      { samplesDone: 6, samplesTotal: 6 },
    ]);
  });

  it("measures a network's own tensors (borrowNetworkTensors) like uploaded weights", async () => {
    const network = buildMlpNetwork(HAND_BUILT);
    const stats = await measureActivations(borrowNetworkTensors(network), SIX_SAMPLES, { histogramBins: 4 });
    network.dispose();
    expect(stats).toEqual(await measure(HAND_BUILT, SIX_SAMPLES, { histogramBins: 4 }));
  });

  it("measures exactly the activations of the network's own forward pass (denseForward)", async () => {
    const weights = randomMlpWeights([5, 7, 4, 3], 21);
    const dataset: Dataset = {
      name: "random",
      features: randomFeatures(40, 5, 22),
      labels: new Int32Array(40),
      featureCount: 5,
      classCount: 3,
    };
    const stats = await measure(weights, dataset, { histogramBins: 8 });
    const layers = weights.layers.map(uploadDenseLayer);
    const activations = tf.tidy(() => {
      const first = denseForward(tf.tensor2d(dataset.features, [40, 5]), layers[0] as DenseLayerTensors);
      return [first, denseForward(first, layers[1] as DenseLayerTensors)];
    });
    disposeDenseLayers(layers);
    for (const [l, tensor] of activations.entries()) {
      const accumulator = new LayerActivationAccumulator(l, tensor.shape[1], 8, { low: 0, high: 1, fixed: false });
      accumulator.addChunk(tensor.dataSync() as Float32Array, 40, 0);
      // Exact: the same float32 activations in the same order give the same float64 statistics.
      expect(stats.layers[l]?.neurons).toEqual(accumulator.neuronStats());
      expect(stats.layers[l]?.histograms).toEqual(accumulator.histograms());
    }
    tf.dispose(activations);
  });

  it("keeps tanh histograms on the fixed range [-1, 1], even for saturated neurons", async () => {
    // Pre-activations 50 * x0 - 60 reach +-60: tanh rounds to exactly +-1 in float32, which must not grow the range.
    const tanh: MlpWeights = {
      layers: [
        denseLayer(2, 2, [50, 0.1, 0, 0.1], [-60, 0], "tanh"),
        denseLayer(2, 2, [1, 0, 0, 1], [0, 0], "softmax"),
      ],
    };
    const stats = await measure(tanh, SIX_SAMPLES);
    const [saturated, small] = stats.layers[0]?.neurons ?? [];
    expect(saturated?.min).toBe(-1);
    expect(saturated?.max).toBe(1);
    expect(small?.min).toBeGreaterThan(-1);
    for (const histogram of stats.layers[0]?.histograms ?? []) {
      expect(histogram.edges[0]).toBe(-1);
      expect(histogram.edges[20]).toBe(1);
      expect(histogram.counts.reduce((sum, count) => sum + count, 0)).toBe(6);
    }
    // x0 = 0..1 gives tanh(-60..-10) = -1: bin 0; x0 = 2 gives tanh(40) = 1 and x0 = 3 tanh(90) = 1: the last bin.
    expect(stats.layers[0]?.histograms[0]?.counts[0]).toBe(4);
    expect(stats.layers[0]?.histograms[0]?.counts[19]).toBe(2);
    // tanh activations can be negative: the mean is signed. 6 digits: tanh(-10) is within 1e-8 of -1.
    expect(saturated?.mean).toBeCloseTo(-2 / 6, 6);
  });

  it.each(["relu", "tanh"] as const)(
    "throws NON_FINITE_ACTIVATION naming layer and neuron when a %s network has a NaN weight",
    async (activation) => {
      const weights = editedWeights(HAND_BUILT, (layers) => {
        // Second hidden layer, neuron 1: its weight from hidden neuron 2.
        (layers[1] as { kernel: Float32Array }).kernel[2 * 2 + 1] = Number.NaN;
      });
      const poisoned = { layers: weights.layers.map((layer, i) => (i < 2 ? { ...layer, activation } : layer)) };
      const error = await rejectedDeadweightError(measure(poisoned, SIX_SAMPLES));
      expect(error.code).toBe("NON_FINITE_ACTIVATION");
      expect(error.message).toContain("hidden layer 2, neuron 1: activation is NaN on sample 0");
    },
  );

  it("names the dataset sample that overflows to infinity, across chunks", async () => {
    // Weight 1e30 on x0: x0 * 1e30 overflows float32 only for sample 4's x0 = 1e10.
    const huge = editedWeights(HAND_BUILT, (layers) => {
      (layers[0] as { kernel: Float32Array }).kernel[2] = 1e30;
    });
    const dataset = { ...SIX_SAMPLES, features: Float32Array.from(SIX_SAMPLES.features) };
    dataset.features[4 * 2] = 1e10;
    const error = await rejectedDeadweightError(measure(huge, dataset, { chunkSize: 3 }));
    expect(error.code).toBe("NON_FINITE_ACTIVATION");
    expect(error.message).toContain("hidden layer 1, neuron 2: activation is Infinity on sample 4");
  });

  it.each([0, 1.5])("rejects chunkSize %s with INVALID_OPTION", async (chunkSize) => {
    const error = await rejectedDeadweightError(measure(HAND_BUILT, SIX_SAMPLES, { chunkSize }));
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain(`chunkSize must be a positive integer, got ${chunkSize}`);
  });

  it("rejects an empty dataset, naming it", async () => {
    const empty = { ...SIX_SAMPLES, name: "nothing", features: new Float32Array(0), labels: new Int32Array(0) };
    const error = await rejectedDeadweightError(measure(HAND_BUILT, empty));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain('dataset "nothing" has no samples');
  });

  it("does not leak tensors, also when it throws", async () => {
    const layers = HAND_BUILT.layers.map(uploadDenseLayer);
    const poisoned = editedWeights(HAND_BUILT, (edit) => {
      (edit[0] as { bias: Float32Array }).bias[0] = Number.NaN;
    }).layers.map(uploadDenseLayer);
    await expectNoTensorLeak(async () => {
      await measureActivations(layers, SIX_SAMPLES, { chunkSize: 4 });
      await rejectedDeadweightError(measureActivations(poisoned, SIX_SAMPLES, { chunkSize: 4 }));
    });
    disposeDenseLayers([...layers, ...poisoned]);
  });
});
