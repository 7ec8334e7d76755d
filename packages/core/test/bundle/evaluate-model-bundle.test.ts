import { rejectedDeadweightError } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import { evaluateModelBundle } from "../../src/bundle/evaluate-model-bundle.js";
import { encodeModelBundle } from "../../src/bundle/model-bundle.js";
import { WEIGHT_DTYPES } from "../../src/bundle/weight-dtype.js";
import type { Dataset } from "../../src/data/dataset.js";
import type { MlpWeights } from "../../src/model/mlp-weights.js";
import { denseLayer, randomMlpWeights } from "../mlp-fixtures.js";
import { randomFeatures } from "../synthetic-datasets.js";
import { expectNoTensorLeak } from "../tensor-leaks.js";

/**
 * 2 -> 2 (relu, identity) -> 2 (identity): the predicted class is the larger input. Every weight is
 * 0 or 1, which float16 and uint8 hold exactly, so all dtypes must agree.
 */
const IDENTITY: MlpWeights = {
  layers: [denseLayer(2, 2, [1, 0, 0, 1], [0, 0], "relu"), denseLayer(2, 2, [1, 0, 0, 1], [0, 0], "softmax")],
};

/** Predictions [0, 1, 0, 1] against labels [0, 1, 1, 1]: 3 of 4 right. */
const FOUR_SAMPLES: Dataset = {
  name: "four",
  features: Float32Array.from([2, 1, 1, 2, 3, 0, 0, 3]),
  labels: Int32Array.from([0, 1, 1, 1]),
  featureCount: 2,
  classCount: 2,
};

describe("evaluateModelBundle", () => {
  it.each(WEIGHT_DTYPES)("counts 3 of 4 right on a hand-checked %s bundle", async (dtype) => {
    const bundle = await encodeModelBundle(IDENTITY, dtype);
    expect(await evaluateModelBundle(bundle.model, FOUR_SAMPLES)).toEqual({ correct: 3, samples: 4, accuracy: 0.75 });
  });

  it("gives the same count in chunks of 1 as in one chunk (each row is classified on its own)", async () => {
    const weights = randomMlpWeights([6, 5, 3], 91);
    const features = randomFeatures(50, 6, 92);
    const labels = Int32Array.from({ length: 50 }, (_, i) => i % 3);
    const dataset = { name: "random", features, labels, featureCount: 6, classCount: 3 };
    const { model } = await encodeModelBundle(weights, "uint8");
    const whole = await evaluateModelBundle(model, dataset);
    expect(await evaluateModelBundle(model, dataset, { chunkSize: 1 })).toEqual(whole);
    expect(await evaluateModelBundle(model, dataset, { chunkSize: 7 })).toEqual(whole);
  });

  it("rejects a dataset of another width with MODEL_SHAPE_MISMATCH, and a bad chunk size with INVALID_OPTION", async () => {
    const { model } = await encodeModelBundle(IDENTITY, "float32");
    const wide = { ...FOUR_SAMPLES, features: new Float32Array(12), featureCount: 3 };
    const error = await rejectedDeadweightError(evaluateModelBundle(model, wide, { sourceName: "runs/x/uint8" }));
    expect(error.code).toBe("MODEL_SHAPE_MISMATCH");
    expect(error.message).toContain('runs/x/uint8: the model takes 2 features but dataset "four" has 3');
    const chunk = await rejectedDeadweightError(evaluateModelBundle(model, FOUR_SAMPLES, { chunkSize: 0 }));
    expect(chunk.code).toBe("INVALID_OPTION");
  });

  it("does not leak tensors, also when it rejects the dataset", async () => {
    const { model } = await encodeModelBundle(IDENTITY, "float16");
    const wide = { ...FOUR_SAMPLES, features: new Float32Array(12), featureCount: 3 };
    await expectNoTensorLeak(async () => {
      await evaluateModelBundle(model, FOUR_SAMPLES, { chunkSize: 3 });
      await rejectedDeadweightError(evaluateModelBundle(model, wide));
    });
  });
});
