import { rejectedDeadweightError } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import { disposeDenseLayers, uploadDenseLayer } from "../../src/model/dense-forward.js";
import { evaluateAccuracy } from "../../src/model/evaluate-accuracy.js";
import type { MlpWeights } from "../../src/model/mlp-weights.js";
import { fineTunePrunedNetwork } from "../../src/recovery/fine-tune-pruned-network.js";
import { randomMlpWeights } from "../mlp-fixtures.js";
import { separableSplit } from "../synthetic-datasets.js";
import { expectNoTensorLeak } from "../tensor-leaks.js";

const SPLIT = separableSplit({ train: 200, validation: 100, test: 100 }, 4, 11);
/** A small network of a pruned shape (4 -> 3 -> 2) that has not learnt the problem. */
const UNTRAINED = randomMlpWeights([4, 3, 2], 12, "relu", 0.5);
const OPTIONS = { epochs: 4, batchSize: 16, learningRate: 0.02, seed: 13 };

function accuracyOf(weights: MlpWeights, part: "validation" | "test"): number {
  const layers = weights.layers.map(uploadDenseLayer);
  try {
    return evaluateAccuracy(layers, SPLIT[part]);
  } finally {
    disposeDenseLayers(layers);
  }
}

describe("fineTunePrunedNetwork", () => {
  it("trains the given weights further and reports validation and test accuracy of the result", async () => {
    const before = accuracyOf(UNTRAINED, "validation");
    const recovered = await fineTunePrunedNetwork(UNTRAINED, SPLIT, OPTIONS);
    expect(before).toBeLessThan(0.8);
    expect(recovered.validationAccuracy).toBeGreaterThan(0.9);
    // The reported accuracies are those of the returned weights (same evaluation: exact).
    expect(recovered.validationAccuracy).toBe(accuracyOf(recovered.weights, "validation"));
    expect(recovered.testAccuracy).toBe(accuracyOf(recovered.weights, "test"));
    // The shape is the pruned one: fine-tuning never regrows neurons.
    expect(recovered.weights.layers.map((layer) => [layer.inputSize, layer.outputSize])).toEqual([
      [4, 3],
      [3, 2],
    ]);
    expect(recovered.epochs).toBe(4);
    expect(recovered.training.epochs).toHaveLength(4);
    expect(recovered.seconds).toBe(recovered.training.seconds);
    expect(recovered.seconds).toBeGreaterThan(0);
  });

  it("leaves the input weights untouched", async () => {
    const copy = UNTRAINED.layers.map((layer) => [...layer.kernel, ...layer.bias]);
    await fineTunePrunedNetwork(UNTRAINED, SPLIT, { ...OPTIONS, epochs: 1 });
    expect(UNTRAINED.layers.map((layer) => [...layer.kernel, ...layer.bias])).toEqual(copy);
  });

  it("refuses bad training options with INVALID_OPTION, like base training", async () => {
    const error = await rejectedDeadweightError(fineTunePrunedNetwork(UNTRAINED, SPLIT, { epochs: -1 }));
    expect(error.code).toBe("INVALID_OPTION");
  });

  it("does not leak tensors, also when it fails", async () => {
    await expectNoTensorLeak(async () => {
      await fineTunePrunedNetwork(UNTRAINED, SPLIT, { ...OPTIONS, epochs: 1 });
      await rejectedDeadweightError(fineTunePrunedNetwork(UNTRAINED, SPLIT, { epochs: 1.5 }));
    });
  });
});
