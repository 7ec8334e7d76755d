import { rejectedDeadweightError } from "@deadweight/test-support";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import {
  exportLayersModel,
  importLayersModel,
  type LayersModelFiles,
  WEIGHTS_FILE_NAME,
} from "../../src/export/layers-model-files.js";
import { buildMlpNetwork } from "../../src/model/mlp-network.js";
import { type MlpWeights, parameterCount } from "../../src/model/mlp-weights.js";
import { predictProbabilities, randomMlpWeights } from "../mlp-fixtures.js";
import { randomFeatures } from "../synthetic-datasets.js";
import { expectNoTensorLeak } from "../tensor-leaks.js";

const SIZES = [5, 7, 4, 3];
const INPUTS = randomFeatures(20, 5, 61);

/** Loads the files with plain TF.js, as a user of the exported model would. */
async function loadWithTfjs(files: LayersModelFiles): Promise<tf.LayersModel> {
  const weightData = files.weightsBin.slice().buffer;
  const weightSpecs = files.modelJson.weightsManifest.flatMap((group) => group.weights);
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: files.modelJson.modelTopology as object, weightSpecs, weightData }),
  );
}

function expectSameWeights(actual: MlpWeights, expected: MlpWeights): void {
  expect(actual.layers).toHaveLength(expected.layers.length);
  for (const [index, layer] of expected.layers.entries()) {
    const copy = actual.layers[index];
    expect([copy?.inputSize, copy?.outputSize, copy?.activation]).toEqual([
      layer.inputSize,
      layer.outputSize,
      layer.activation,
    ]);
    // Exact: float32 values are written and read back bit for bit.
    expect(copy?.kernel).toEqual(layer.kernel);
    expect(copy?.bias).toEqual(layer.bias);
  }
}

/** A copy of the files with model.json edited (deep copy, the source stays intact). */
function withModelJson(files: LayersModelFiles, edit: (json: tf.io.ModelJSON) => void): LayersModelFiles {
  const modelJson = JSON.parse(JSON.stringify(files.modelJson)) as tf.io.ModelJSON;
  edit(modelJson);
  return { modelJson, weightsBin: files.weightsBin };
}

describe("exportLayersModel", () => {
  it.each(["relu", "tanh"] as const)(
    "writes a %s model that plain tf.loadLayersModel reads and that predicts exactly like the source",
    async (activation) => {
      const weights = randomMlpWeights(SIZES, 62, activation);
      const files = await exportLayersModel(weights);
      const loaded = await loadWithTfjs(files);
      const source = buildMlpNetwork(weights);
      // Tolerance 0: the same float32 weights through the same layers on the same backend.
      expect(predictProbabilities(loaded, INPUTS, 5)).toEqual(predictProbabilities(source, INPUTS, 5));
      // Probabilities, not logits: the softmax layer is part of the export.
      const sums = tf.tidy(() => tf.sum(loaded.predict(tf.tensor2d(INPUTS, [20, 5])) as tf.Tensor, 1).arraySync());
      for (const sum of sums as number[]) expect(Math.abs(sum - 1)).toBeLessThan(1e-6); // float32 softmax rounding
      loaded.dispose();
      source.dispose();
    },
  );

  it("describes the weights in one weights.bin of 4 bytes per parameter", async () => {
    const weights = randomMlpWeights(SIZES, 63);
    const files = await exportLayersModel(weights);
    expect(files.modelJson.format).toBe("layers-model");
    expect(files.modelJson.weightsManifest).toHaveLength(1);
    expect(files.modelJson.weightsManifest[0]?.paths).toEqual([WEIGHTS_FILE_NAME]);
    expect(files.modelJson.weightsManifest[0]?.weights.map((spec) => spec.shape)).toEqual([
      [5, 7],
      [7],
      [7, 4],
      [4],
      [4, 3],
      [3],
    ]);
    expect(files.weightsBin.byteLength).toBe(4 * parameterCount(weights));
    // model.json must survive a JSON round trip (it is written to disk as text).
    expect(JSON.parse(JSON.stringify(files.modelJson))).toEqual(files.modelJson);
  });

  it("does not leak tensors", async () => {
    const weights = randomMlpWeights(SIZES, 64);
    await expectNoTensorLeak(() => exportLayersModel(weights));
  });
});

describe("importLayersModel", () => {
  it.each(["relu", "tanh"] as const)("reads back exactly the exported %s weights", async (activation) => {
    const weights = randomMlpWeights(SIZES, 65, activation);
    expectSameWeights(await importLayersModel(await exportLayersModel(weights)), weights);
  });

  it("reads a pruned model of new shapes", async () => {
    const weights = randomMlpWeights([5, 2, 1, 3], 66);
    expectSameWeights(await importLayersModel(await exportLayersModel(weights)), weights);
  });

  it("reads weights.bin from a view into a larger buffer (as Node's file buffers can be)", async () => {
    const weights = randomMlpWeights(SIZES, 67);
    const files = await exportLayersModel(weights);
    const larger = new Uint8Array(files.weightsBin.byteLength + 24);
    larger.set(files.weightsBin, 8);
    const view = larger.subarray(8, 8 + files.weightsBin.byteLength);
    expectSameWeights(await importLayersModel({ modelJson: files.modelJson, weightsBin: view }), weights);
  });

  it("rejects a weights.bin one float short with MODEL_SHAPE_MISMATCH naming both byte counts", async () => {
    const files = await exportLayersModel(randomMlpWeights(SIZES, 68));
    const bytes = files.weightsBin.byteLength;
    const short = { modelJson: files.modelJson, weightsBin: files.weightsBin.slice(0, bytes - 4) };
    const error = await rejectedDeadweightError(importLayersModel(short, "runs/x/model"));
    expect(error.code).toBe("MODEL_SHAPE_MISMATCH");
    expect(error.message).toContain(
      `runs/x/model: model.json describes ${bytes} bytes of weights but weights.bin has ${bytes - 4}`,
    );
  });

  it("rejects a model.json whose weight shapes do not match weights.bin, naming the byte counts", async () => {
    const files = await exportLayersModel(randomMlpWeights(SIZES, 69));
    const bytes = files.weightsBin.byteLength;
    // The first kernel claimed as 5 x 8 instead of 5 x 7: 5 floats more than the file holds.
    const edited = withModelJson(files, (json) => {
      (json.weightsManifest[0]?.weights[0] as { shape: number[] }).shape = [5, 8];
    });
    const error = await rejectedDeadweightError(importLayersModel(edited));
    expect(error.code).toBe("MODEL_SHAPE_MISMATCH");
    expect(error.message).toContain(`model.json describes ${bytes + 20} bytes of weights but weights.bin has ${bytes}`);
  });

  it("rejects shapes of the right total size that do not fit the layers with MODEL_SHAPE_MISMATCH", async () => {
    const files = await exportLayersModel(randomMlpWeights(SIZES, 70));
    // 5 x 7 stored as 7 x 5: the byte count agrees, the Dense layer's kernel shape does not.
    const edited = withModelJson(files, (json) => {
      (json.weightsManifest[0]?.weights[0] as { shape: number[] }).shape = [7, 5];
    });
    const error = await rejectedDeadweightError(importLayersModel(edited, "swapped"));
    expect(error.code).toBe("MODEL_SHAPE_MISMATCH");
    expect(error.message).toContain("swapped: TF.js could not load the model");
  });

  it("rejects a model.json without a weights manifest", async () => {
    const files = await exportLayersModel(randomMlpWeights(SIZES, 71));
    const edited = withModelJson(files, (json) => {
      json.weightsManifest = [];
    });
    const error = await rejectedDeadweightError(importLayersModel(edited, "empty"));
    expect(error.code).toBe("MODEL_SHAPE_MISMATCH");
    expect(error.message).toContain("empty: model.json has no weightsManifest");
  });

  it("does not leak tensors, also when it rejects the files", async () => {
    const files = await exportLayersModel(randomMlpWeights(SIZES, 72));
    const swapped = withModelJson(files, (json) => {
      (json.weightsManifest[0]?.weights[0] as { shape: number[] }).shape = [7, 5];
    });
    await expectNoTensorLeak(async () => {
      await importLayersModel(files);
      await rejectedDeadweightError(importLayersModel(swapped));
    });
  });
});
