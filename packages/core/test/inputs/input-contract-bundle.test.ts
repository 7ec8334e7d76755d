import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rejectedDeadweightError } from "@deadweight/test-support";
import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { evaluateModelBundle } from "../../src/bundle/evaluate-model-bundle.js";
import { encodeModelBundle } from "../../src/bundle/model-bundle.js";
import type { Dataset } from "../../src/data/dataset.js";
import { applyInputPruning } from "../../src/inputs/apply-input-pruning.js";
import { applyInputContract, applyInputContractToDataset, inputContractOf } from "../../src/inputs/input-contract.js";
import { INPUT_CONTRACT_FILE_NAME, parseInputContract } from "../../src/inputs/input-contract-file.js";
import { measureInputFeatures } from "../../src/inputs/input-feature-stats.js";
import { planInputPruning } from "../../src/inputs/input-pruning-plan.js";
import { buildMlpNetwork } from "../../src/model/mlp-network.js";
import { writeBinaryDatasetFile, writeBundleFolder } from "../../src/verification/bundle-folder.js";
import { verifyBundleFolder } from "../../src/verification/verify-bundle-in-fresh-process.js";
import { expectAllClose } from "../float-comparison.js";
import { predictProbabilities, randomMlpWeights } from "../mlp-fixtures.js";
import { randomFeatures } from "../synthetic-datasets.js";
import { expectNoTensorLeak } from "../tensor-leaks.js";

const ROOT = mkdtempSync(join(tmpdir(), "deadweight-input-contract-"));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

/** 5 features x 40 samples, random, except features 0 and 3 constant (0 and 1): the border pixels of a tiny image. */
const WIDTH = 5;
const SAMPLES = 40;
const FEATURES = randomFeatures(SAMPLES, WIDTH, 3);
for (let sample = 0; sample < SAMPLES; sample++) {
  FEATURES[sample * WIDTH] = 0;
  FEATURES[sample * WIDTH + 3] = 1;
}
const FULL: Dataset = {
  name: "tiny",
  features: FEATURES,
  labels: Int32Array.from({ length: SAMPLES }, (_, i) => i % 3),
  featureCount: WIDTH,
  classCount: 3,
};
const WEIGHTS = randomMlpWeights([WIDTH, 6, 3], 5);
const PLAN = planInputPruning(measureInputFeatures(FULL), 0);
const CONTRACT = inputContractOf(PLAN);
const PRUNED = applyInputPruning(WEIGHTS, PLAN);

/** Tolerance as the surgery tests argue it (SURGERY_TOLERANCE): float32 sums in another order, a wrong column moves probabilities by 1e-2 or more. */
const SURGERY_TOLERANCE = { relative: 1e-6, absolute: 1e-7 };

/** Loads a bundle folder with plain tf.loadLayersModel, as the verifier and any TF.js user do (no Deadweight code). */
async function loadPlainly(folder: string): Promise<tf.LayersModel> {
  const modelJson = JSON.parse(readFileSync(join(folder, "model.json"), "utf8")) as tf.io.ModelJSON;
  const weightSpecs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const bytes = readFileSync(join(folder, "weights.bin"));
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: modelJson.modelTopology as object, weightSpecs, weightData }),
  );
}

describe("a bundle with an input contract", () => {
  it("writes input-contract.json beside a model.json that plain tf.loadLayersModel loads, and predicts as the full network", async () => {
    expect(CONTRACT).toEqual({ originalWidth: 5, keptFeatures: [1, 2, 4] });
    const bundle = await encodeModelBundle(PRUNED, "float32", { inputContract: CONTRACT });
    expect(bundle.files.map((file) => file.name)).toEqual(["model.json", "weights.bin", INPUT_CONTRACT_FILE_NAME]);
    const folder = join(ROOT, "round-trip");
    await writeBundleFolder(folder, bundle.files);

    const contract = parseInputContract(readFileSync(join(folder, INPUT_CONTRACT_FILE_NAME)));
    expect(contract).toEqual(CONTRACT);
    await expectNoTensorLeak(async () => {
      const loaded = await loadPlainly(folder);
      const original = buildMlpNetwork(WEIGHTS);
      try {
        expect(loaded.inputs[0]?.shape).toEqual([null, 3]);
        const reloaded = predictProbabilities(loaded, applyInputContract(FEATURES, WIDTH, contract), 3);
        expectAllClose(reloaded, predictProbabilities(original, FEATURES, WIDTH), SURGERY_TOLERANCE);
      } finally {
        loaded.dispose();
        original.dispose();
      }
    });
  });

  it("refuses a contract whose kept count is not the model's input width", async () => {
    const error = await rejectedDeadweightError(encodeModelBundle(WEIGHTS, "float32", { inputContract: CONTRACT }));
    expect(error.code).toBe("MODEL_SHAPE_MISMATCH");
    expect(error.message).toContain("keeps 3 features but the model takes 5");
  });
});

describe("the standalone verifier on a bundle with an input contract", () => {
  it("applies input-contract.json to the full-width test set and reproduces the stored accuracy; without the file it fails", async () => {
    const bundle = await encodeModelBundle(PRUNED, "float32", { inputContract: CONTRACT });
    const stored = await evaluateModelBundle(bundle.model, applyInputContractToDataset(FULL, CONTRACT));
    const testSetFile = join(ROOT, "full-width.dwds");
    await writeBinaryDatasetFile(testSetFile, FULL);
    const folder = join(ROOT, "verified");
    await writeBundleFolder(folder, bundle.files);

    const verification = await verifyBundleFolder({ folder, testSetFile, expected: stored });
    expect(verification.measured.correct).toBe(stored.correct);
    expect(verification.files.map((file) => file.name)).toContain(INPUT_CONTRACT_FILE_NAME);

    rmSync(join(folder, INPUT_CONTRACT_FILE_NAME));
    const error = await rejectedDeadweightError(verifyBundleFolder({ folder, testSetFile, expected: stored }));
    expect(error.code).toBe("VERIFICATION_FAILED");
    expect(error.message).toContain("the model takes 3 features but the test set has 5");
  });

  it("refuses a test set of another width than the contract's original one, naming both", async () => {
    const bundle = await encodeModelBundle(PRUNED, "float32", { inputContract: CONTRACT });
    const narrow = applyInputContractToDataset(FULL, CONTRACT);
    const stored = await evaluateModelBundle(bundle.model, narrow);
    const testSetFile = join(ROOT, "narrow.dwds");
    await writeBinaryDatasetFile(testSetFile, narrow);
    const folder = join(ROOT, "narrow-test-set");
    await writeBundleFolder(folder, bundle.files);
    const error = await rejectedDeadweightError(verifyBundleFolder({ folder, testSetFile, expected: stored }));
    expect(error.code).toBe("VERIFICATION_FAILED");
    expect(error.message).toContain("reads 3 of the original 5 features but the test set is 3 features wide");
  });
});
