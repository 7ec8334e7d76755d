import { rejectedDeadweightError, thrownDeadweightError } from "@deadweight/test-support";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import {
  BUNDLE_MODEL_NAME,
  type BundleFile,
  bundleBytes,
  encodeModelBundle,
  MODEL_JSON_FILE_NAME,
  type ModelBundle,
  parseBundleFiles,
  unquantizedWeightNames,
} from "../../src/bundle/model-bundle.js";
import { WEIGHT_DTYPES, type WeightDtype } from "../../src/bundle/weight-dtype.js";
import { exportLayersModel, importLayersModel, WEIGHTS_FILE_NAME } from "../../src/export/layers-model-files.js";
import { buildMlpNetwork } from "../../src/model/mlp-network.js";
import { type MlpWeights, parameterCount } from "../../src/model/mlp-weights.js";
import { editedWeights, predictProbabilities, randomMlpWeights } from "../mlp-fixtures.js";
import { randomFeatures } from "../synthetic-datasets.js";
import { expectNoTensorLeak } from "../tensor-leaks.js";

/** 5 -> 7 -> 4 -> 3: 42 + 32 + 15 = 89 parameters in 6 tensors. */
const WEIGHTS = randomMlpWeights([5, 7, 4, 3], 81);
const PARAMETERS = 89;
const INPUTS = randomFeatures(20, 5, 82);

function tensorsOf(weights: MlpWeights): Float32Array[] {
  return weights.layers.flatMap((layer) => [layer.kernel, layer.bias]);
}

/** Loads a bundle with nothing but TF.js, as a device would. */
async function loadWithTfjs(bundle: ModelBundle): Promise<tf.LayersModel> {
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: bundle.model.modelJson.modelTopology as object,
      weightSpecs: bundle.model.modelJson.weightsManifest.flatMap((group) => group.weights),
      weightData: bundle.model.weightsBin.slice().buffer,
    }),
  );
}

describe("encodeModelBundle", () => {
  it.each([
    ["float32", 4],
    ["float16", 2],
    ["uint8", 1],
  ] as const)("stores %s weights in exactly %i bytes per parameter", async (dtype, bytesPerParameter) => {
    expect(parameterCount(WEIGHTS)).toBe(PARAMETERS);
    const bundle = await encodeModelBundle(WEIGHTS, dtype);
    expect(bundle.weightDtype).toBe(dtype);
    expect(bundle.model.weightsBin.byteLength).toBe(PARAMETERS * bytesPerParameter);
    expect(bundle.files.map((file) => file.name)).toEqual([MODEL_JSON_FILE_NAME, WEIGHTS_FILE_NAME]);
    const jsonText = `${JSON.stringify(bundle.model.modelJson)}\n`;
    expect(bundle.files[0]?.bytes).toEqual(new TextEncoder().encode(jsonText));
    expect(bundle.files[1]?.bytes).toBe(bundle.model.weightsBin);
    // Exact: what is on disk is model.json's UTF-8 text plus the weights.
    expect(bundleBytes(bundle)).toBe(new TextEncoder().encode(jsonText).byteLength + PARAMETERS * bytesPerParameter);
  });

  it("writes the manifest TF.js's loader understands: quantization per tensor, dtype still float32", async () => {
    const float32 = await encodeModelBundle(WEIGHTS, "float32");
    const float16 = await encodeModelBundle(WEIGHTS, "float16");
    const uint8 = await encodeModelBundle(WEIGHTS, "uint8");
    const specs = (bundle: ModelBundle) => bundle.model.modelJson.weightsManifest.flatMap((group) => group.weights);
    expect(specs(float32).map((spec) => spec.quantization)).toEqual(Array(6).fill(undefined));
    expect(specs(float16).map((spec) => spec.quantization)).toEqual(Array(6).fill({ dtype: "float16" }));
    for (const [index, spec] of specs(uint8).entries()) {
      const values = tensorsOf(WEIGHTS)[index] as Float32Array;
      // min is the tensor's smallest value; scale spreads its range over 255 steps (exact arithmetic on the same floats).
      expect(spec.quantization).toEqual({
        dtype: "uint8",
        min: Math.min(...values),
        scale: (Math.max(...values) - Math.min(...values)) / 255,
      });
    }
    for (const bundle of [float16, uint8]) {
      expect(specs(bundle).map(({ name, shape, dtype }) => ({ name, shape, dtype }))).toEqual(
        specs(float32).map(({ name, shape, dtype }) => ({ name, shape, dtype })),
      );
    }
  });

  it("round-trips float32 exactly", async () => {
    const back = await importLayersModel((await encodeModelBundle(WEIGHTS, "float32")).model);
    expect(tensorsOf(back)).toEqual(tensorsOf(WEIGHTS));
  });

  it("round-trips float16 within its relative precision 2^-11 (about 5e-4)", async () => {
    const back = await importLayersModel((await encodeModelBundle(WEIGHTS, "float16")).model);
    const original = tensorsOf(WEIGHTS);
    for (const [index, values] of tensorsOf(back).entries()) {
      const source = original[index] as Float32Array;
      for (let i = 0; i < values.length; i++) {
        // Half an ulp of a 10-bit mantissa; the weights here are far above float16's subnormal range.
        expect(Math.abs((values[i] as number) - (source[i] as number))).toBeLessThanOrEqual(
          Math.abs(source[i] as number) * 2 ** -11,
        );
      }
    }
  });

  it("round-trips uint8 within scale / 2 of each tensor", async () => {
    const bundle = await encodeModelBundle(WEIGHTS, "uint8");
    const specs = bundle.model.modelJson.weightsManifest.flatMap((group) => group.weights);
    const back = await importLayersModel(bundle.model);
    const original = tensorsOf(WEIGHTS);
    for (const [index, values] of tensorsOf(back).entries()) {
      const source = original[index] as Float32Array;
      const scale = specs[index]?.quantization?.scale as number;
      for (let i = 0; i < values.length; i++) {
        // Half a quantisation step, plus half a float32 ulp of the dequantised value (|w| <= 1 here: 2^-24).
        expect(Math.abs((values[i] as number) - (source[i] as number))).toBeLessThanOrEqual(scale / 2 + 2 ** -24);
      }
    }
  });

  it("keeps the first layer float32 in a uint8 bundle when asked (a folded input scaling), the rest uint8", async () => {
    const bundle = await encodeModelBundle(WEIGHTS, "uint8", { keepFirstLayerFloat32: true });
    const specs = bundle.model.modelJson.weightsManifest.flatMap((group) => group.weights);
    expect(specs.filter((spec) => spec.quantization === undefined).map((spec) => spec.name)).toEqual([
      "hidden_1/kernel",
      "hidden_1/bias",
    ]);
    expect(unquantizedWeightNames(bundle)).toEqual(["hidden_1/kernel", "hidden_1/bias"]);
    // 5x7 + 7 = 42 first-layer parameters at 4 bytes, the other 47 at 1 byte.
    expect(bundle.model.weightsBin.byteLength).toBe(42 * 4 + 47);
    const back = await importLayersModel(bundle.model);
    expect(back.layers[0]!.kernel).toEqual(WEIGHTS.layers[0]!.kernel);
    expect(back.layers[0]!.bias).toEqual(WEIGHTS.layers[0]!.bias);
    // Other dtypes ignore it; a plain uint8 bundle keeps nothing float32.
    expect(
      unquantizedWeightNames(await encodeModelBundle(WEIGHTS, "float16", { keepFirstLayerFloat32: true })),
    ).toEqual([]);
    expect(unquantizedWeightNames(await encodeModelBundle(WEIGHTS, "uint8"))).toEqual([]);
    const loaded = await loadWithTfjs(bundle);
    loaded.dispose();
  });

  it.each(WEIGHT_DTYPES)("writes a %s bundle that plain tf.loadLayersModel reads and runs", async (dtype) => {
    const bundle = await encodeModelBundle(WEIGHTS, dtype);
    const loaded = await loadWithTfjs(bundle);
    const source = buildMlpNetwork(WEIGHTS);
    const expected = predictProbabilities(source, INPUTS, 5);
    const actual = predictProbabilities(loaded, INPUTS, 5);
    // Probabilities move by less than the weights' own error times a small gain: tolerance per dtype.
    const tolerance: Record<WeightDtype, number> = { float32: 0, float16: 5e-3, uint8: 5e-2 };
    for (let i = 0; i < expected.length; i++) {
      expect(Math.abs((actual[i] as number) - (expected[i] as number))).toBeLessThanOrEqual(tolerance[dtype]);
    }
    loaded.dispose();
    source.dispose();
  });

  it("gives the same weights the same bytes every time (model name fixed), float32 as exportLayersModel writes them", async () => {
    for (const dtype of WEIGHT_DTYPES) {
      const first = await encodeModelBundle(WEIGHTS, dtype);
      const second = await encodeModelBundle(WEIGHTS, dtype);
      expect(second.files).toEqual(first.files);
    }
    const bundle = await encodeModelBundle(WEIGHTS, "float32");
    const plain = await exportLayersModel(WEIGHTS);
    expect(bundle.model.weightsBin).toEqual(plain.weightsBin);
    const topology = (json: tf.io.ModelJSON) => json.modelTopology as { config: { name: string } };
    expect(topology(bundle.model.modelJson).config.name).toBe(BUNDLE_MODEL_NAME);
    expect(bundle.model.modelJson).toEqual(plain.modelJson);
  });

  it("refuses a float16 bundle of a weight beyond ±65504 and an unknown dtype with INVALID_OPTION", async () => {
    const huge = editedWeights(WEIGHTS, (layers) => {
      (layers[1] as { kernel: Float32Array }).kernel[3] = 1e5;
    });
    const error = await rejectedDeadweightError(encodeModelBundle(huge, "float16"));
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain("[3] is 100000, outside float16's finite range");
    // uint8 takes any finite range.
    await expect(encodeModelBundle(huge, "uint8")).resolves.toBeDefined();
    const unknown = await rejectedDeadweightError(encodeModelBundle(WEIGHTS, "int4" as WeightDtype));
    expect(unknown.message).toContain('weight dtype "int4" is not supported; use one of "float32", "float16", "uint8"');
  });

  it("does not leak tensors", async () => {
    await expectNoTensorLeak(async () => {
      for (const dtype of WEIGHT_DTYPES) await encodeModelBundle(WEIGHTS, dtype);
    });
  });
});

describe("importLayersModel of a quantised bundle", () => {
  it("rejects a uint8 weights.bin one byte short, naming both byte counts", async () => {
    const { model } = await encodeModelBundle(WEIGHTS, "uint8");
    const short = { modelJson: model.modelJson, weightsBin: model.weightsBin.slice(0, PARAMETERS - 1) };
    const error = await rejectedDeadweightError(importLayersModel(short, "uint8 bundle"));
    expect(error.code).toBe("MODEL_SHAPE_MISMATCH");
    expect(error.message).toContain(
      `uint8 bundle: model.json describes ${PARAMETERS} bytes of weights but weights.bin has ${PARAMETERS - 1}`,
    );
  });
});

describe("parseBundleFiles", () => {
  it("reads written files back into the same model", async () => {
    const bundle = await encodeModelBundle(WEIGHTS, "float16");
    const parsed = parseBundleFiles([...bundle.files].reverse());
    expect(parsed.modelJson).toEqual(bundle.model.modelJson);
    expect(parsed.weightsBin).toEqual(bundle.model.weightsBin);
  });

  it("names a missing weight file and a missing or broken model.json", async () => {
    const bundle = await encodeModelBundle(WEIGHTS, "uint8");
    const [modelJson] = bundle.files;
    const noWeights = thrownDeadweightError(() => parseBundleFiles([modelJson as BundleFile], "runs/a/uint8"));
    expect(noWeights.code).toBe("MODEL_SHAPE_MISMATCH");
    expect(noWeights.message).toContain(
      'runs/a/uint8: model.json refers to weight file "weights.bin", which the bundle does not have',
    );
    expect(thrownDeadweightError(() => parseBundleFiles([], "empty")).message).toContain("empty: has no model.json");
    const broken = [{ name: "model.json", bytes: new TextEncoder().encode("{not json") }];
    expect(thrownDeadweightError(() => parseBundleFiles(broken, "b")).message).toContain(
      "b: model.json is not valid JSON",
    );
  });
});
