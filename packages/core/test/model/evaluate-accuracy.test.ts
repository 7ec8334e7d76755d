import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import type { Dataset } from "../../src/data/dataset.js";
import { disposeDenseLayers, uploadDenseLayer } from "../../src/model/dense-forward.js";
import { countCorrect, evaluateAccuracy } from "../../src/model/evaluate-accuracy.js";
import { buildMlpNetwork } from "../../src/model/mlp-network.js";
import type { MlpWeights } from "../../src/model/mlp-weights.js";
import { borrowNetworkTensors } from "../../src/model/network-tensors.js";
import { denseLayer } from "../mlp-fixtures.js";
import { expectNoTensorLeak } from "../tensor-leaks.js";

/**
 * hidden = relu(x) (identity kernel, zero bias), logits = hidden (identity kernel, zero bias):
 * the predicted class is the index of the larger positive feature.
 */
const ARGMAX_OF_RELU: MlpWeights = {
  layers: [denseLayer(2, 2, [1, 0, 0, 1], [0, 0], "relu"), denseLayer(2, 2, [1, 0, 0, 1], [0, 0], "softmax")],
};

/** Five samples; predictions 0, 1, 0, 0, 1 against labels 0, 1, 1, 0, 0: 3 of 5 correct. */
const FIVE_SAMPLES: Dataset = {
  name: "five",
  features: Float32Array.from([1, 0, 0, 2, 3, 1, 0.5, 0.25, -1, 0.5]),
  labels: Int32Array.from([0, 1, 1, 0, 0]),
  featureCount: 2,
  classCount: 2,
};

describe("evaluateAccuracy", () => {
  it("counts the samples whose argmax is their label: 3 of 5 on a hand-built network", () => {
    const network = buildMlpNetwork(ARGMAX_OF_RELU);
    // Exact: a count of 3 over 5 samples.
    expect(evaluateAccuracy(borrowNetworkTensors(network), FIVE_SAMPLES)).toBe(0.6);
    network.dispose();
  });

  it.each([1, 2, 3, 5, 100])("gives the same count with chunks of %s samples", (chunkSize) => {
    const layers = ARGMAX_OF_RELU.layers.map(uploadDenseLayer);
    expect(evaluateAccuracy(layers, FIVE_SAMPLES, chunkSize)).toBe(0.6);
    disposeDenseLayers(layers);
  });

  it("reads the output layer's logits through a hidden layer that matters", () => {
    // Swapping the hidden neurons swaps every prediction: the 3 correct ones turn wrong, the 2 wrong ones right.
    const swapped: MlpWeights = {
      layers: [denseLayer(2, 2, [0, 1, 1, 0], [0, 0], "relu"), denseLayer(2, 2, [1, 0, 0, 1], [0, 0], "softmax")],
    };
    const layers = swapped.layers.map(uploadDenseLayer);
    expect(evaluateAccuracy(layers, FIVE_SAMPLES)).toBe(0.4);
    disposeDenseLayers(layers);
  });

  it("does not leak tensors", async () => {
    const layers = ARGMAX_OF_RELU.layers.map(uploadDenseLayer);
    await expectNoTensorLeak(() => evaluateAccuracy(layers, FIVE_SAMPLES, 2));
    disposeDenseLayers(layers);
  });
});

describe("countCorrect", () => {
  it("compares each row's argmax with its label", async () => {
    const logits = tf.tensor2d([
      [0.1, 0.9, 0],
      [2, -1, 1],
      [0, 0, 5],
    ]);
    await expectNoTensorLeak(() => {
      expect(countCorrect(logits, Int32Array.from([1, 0, 1]))).toBe(2);
    });
    logits.dispose();
  });
});
