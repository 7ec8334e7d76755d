import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rejectedDeadweightError } from "@deadweight/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { evaluateModelBundle } from "../../src/bundle/evaluate-model-bundle.js";
import { bundleBytes, encodeModelBundle } from "../../src/bundle/model-bundle.js";
import type { Dataset } from "../../src/data/dataset.js";
import type { MlpWeights } from "../../src/model/mlp-weights.js";
import { checkBundleFolder, writeBinaryDatasetFile, writeBundleFolder } from "../../src/verification/bundle-folder.js";
import {
  exportVerifiedBundle,
  exportVerifiedBundles,
  verifierScriptPath,
  verifyBundleFolder,
} from "../../src/verification/verify-bundle-in-fresh-process.js";
import { denseLayer } from "../mlp-fixtures.js";

// Each verification starts a node process that loads TF.js and its wasm backend (~1-2 s): a handful only.

const ROOT = mkdtempSync(join(tmpdir(), "deadweight-verify-"));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

/** 2 -> 2 (relu, identity) -> 2 (identity): predicts the larger input. */
const IDENTITY: MlpWeights = {
  layers: [denseLayer(2, 2, [1, 0, 0, 1], [0, 0], "relu"), denseLayer(2, 2, [1, 0, 0, 1], [0, 0], "softmax")],
};

/** Predictions [0, 1, 0, 1] against labels [0, 1, 1, 1]: 3 of 4 right; a model that always says 0 gets 1. */
const FOUR_SAMPLES: Dataset = {
  name: "four",
  features: Float32Array.from([2, 1, 1, 2, 3, 0, 0, 3]),
  labels: Int32Array.from([0, 1, 1, 1]),
  featureCount: 2,
  classCount: 2,
};

const TEST_SET = join(ROOT, "test-set.bin");
await writeBinaryDatasetFile(TEST_SET, FOUR_SAMPLES);

describe("the standalone verifier script", () => {
  it("imports nothing but plain TF.js, its wasm backend and Node built-ins", async () => {
    const source = readFileSync(await verifierScriptPath(), "utf8");
    const specifiers = [...source.matchAll(/(?:from\s+|import\()\s*"([^"]+)"/g)].map((match) => match[1]);
    expect(specifiers.length).toBeGreaterThan(0);
    for (const specifier of specifiers) {
      expect(specifier).toMatch(/^(node:[a-z/]+|@tensorflow\/tfjs|@tensorflow\/tfjs-backend-wasm)$/);
    }
  });
});

describe("exportVerifiedBundle", () => {
  it.each(["float32", "uint8"] as const)(
    "writes a %s bundle whose fresh-process accuracy equals the stored one, with real bytes and sha256 of every file",
    async (dtype) => {
      const bundle = await encodeModelBundle(IDENTITY, dtype);
      const stored = await evaluateModelBundle(bundle.model, FOUR_SAMPLES);
      const folder = join(ROOT, `identity-${dtype}`);
      const verification = await exportVerifiedBundle(bundle, { folder, testSetFile: TEST_SET, expected: stored });
      expect(verification.measured).toEqual({ correct: 3, samples: 4, accuracy: 0.75 });
      expect(verification.expected).toEqual({ correct: 3, samples: 4 });
      expect(verification.verifier.backend).toBe("wasm");
      expect(verification.verifier.tfjsVersion).toBe("4.22.0");
      expect(verification.files.map((file) => file.name)).toEqual(["model.json", "weights.bin"]);
      const [jsonSize, weightsSize] = verification.files.map((file) => statSync(join(folder, file.name)).size);
      expect(verification.files.map((file) => file.bytes)).toEqual([jsonSize, weightsSize]);
      expect((jsonSize as number) + (weightsSize as number)).toBe(bundleBytes(bundle));
      expect(weightsSize).toBe(dtype === "uint8" ? 12 : 48); // 12 parameters
    },
  );
});

describe("exportVerifiedBundles", () => {
  it("verifies every dtype of a candidate in one fresh process, each against its own stored count", async () => {
    const exports = await Promise.all(
      (["float32", "float16", "uint8"] as const).map(async (dtype) => {
        const bundle = await encodeModelBundle(IDENTITY, dtype);
        const expected = await evaluateModelBundle(bundle.model, FOUR_SAMPLES);
        return { bundle, options: { folder: join(ROOT, `together-${dtype}`), testSetFile: TEST_SET, expected } };
      }),
    );
    const verifications = await exportVerifiedBundles(exports);
    expect(verifications.map((verification) => [verification.folder, verification.measured.correct])).toEqual(
      exports.map((entry) => [entry.options.folder, 3]),
    );
  });

  it("names the bundle at fault when one of them does not hold what is stored", async () => {
    const good = await encodeModelBundle(IDENTITY, "float32");
    const expected = await evaluateModelBundle(good.model, FOUR_SAMPLES);
    const error = await rejectedDeadweightError(
      exportVerifiedBundles([
        { bundle: good, options: { folder: join(ROOT, "pair-good"), testSetFile: TEST_SET, expected } },
        {
          bundle: good,
          options: { folder: join(ROOT, "pair-bad"), testSetFile: TEST_SET, expected: { correct: 4, samples: 4 } },
        },
      ]),
    );
    expect(error.code).toBe("VERIFICATION_FAILED");
    expect(error.message).toContain("pair-bad");
    expect(error.message).toContain("3/4");
  });
});

describe("verifyBundleFolder", () => {
  it("fails loudly with VERIFICATION_FAILED when the stored accuracy is not what the files give", async () => {
    const bundle = await encodeModelBundle(IDENTITY, "float16");
    const folder = join(ROOT, "wrong-record");
    await writeBundleFolder(folder, bundle.files);
    const error = await rejectedDeadweightError(
      verifyBundleFolder({ folder, testSetFile: TEST_SET, expected: { correct: 4, samples: 4 } }),
    );
    expect(error.code).toBe("VERIFICATION_FAILED");
    expect(error.message).toContain(
      "reloaded with plain TF.js in a fresh process it classifies 3/4 test samples correctly (75.00%) but 4/4 (100.00%) is stored (tolerance 0 samples)",
    );
  });

  it("detects weights tampered with after export: by sha256, and by accuracy when no digests are given", async () => {
    const bundle = await encodeModelBundle(IDENTITY, "uint8");
    const stored = await evaluateModelBundle(bundle.model, FOUR_SAMPLES);
    const folder = join(ROOT, "tampered");
    const digests = await writeBundleFolder(folder, bundle.files);
    expect(await checkBundleFolder(folder, digests)).toEqual({ intact: true, problems: [] });

    // Every uint8 step set to 0: every weight becomes its tensor's min (0), so the model always says class 0.
    const weightsPath = join(folder, "weights.bin");
    writeFileSync(weightsPath, new Uint8Array(readFileSync(weightsPath).byteLength));

    const report = await checkBundleFolder(folder, digests);
    expect(report.intact).toBe(false);
    expect(report.problems).toEqual([expect.stringMatching(/^weights\.bin has sha256 [0-9a-f]{64} \(12 bytes\)/)]);
    const integrity = await rejectedDeadweightError(
      verifyBundleFolder({ folder, testSetFile: TEST_SET, expected: stored, expectedFiles: digests }),
    );
    expect(integrity.code).toBe("BUNDLE_INTEGRITY");
    expect(integrity.message).toContain("weights.bin has sha256");
    const accuracy = await rejectedDeadweightError(
      verifyBundleFolder({ folder, testSetFile: TEST_SET, expected: stored }),
    );
    expect(accuracy.code).toBe("VERIFICATION_FAILED");
    expect(accuracy.message).toContain("classifies 1/4 test samples correctly (25.00%) but 3/4 (75.00%) is stored");
  });

  it("reports a verifier that cannot evaluate (no test set there) as VERIFICATION_FAILED with its reason", async () => {
    const bundle = await encodeModelBundle(IDENTITY, "float32");
    const folder = join(ROOT, "no-test-set");
    await writeBundleFolder(folder, bundle.files);
    const error = await rejectedDeadweightError(
      verifyBundleFolder({ folder, testSetFile: join(ROOT, "missing.bin"), expected: { correct: 3, samples: 4 } }),
    );
    expect(error.code).toBe("VERIFICATION_FAILED");
    expect(error.message).toContain("the standalone verifier could not evaluate it");
    expect(error.message).toContain("missing.bin");
  });

  it("refuses a negative tolerance before starting anything", async () => {
    const error = await rejectedDeadweightError(
      verifyBundleFolder({
        folder: ROOT,
        testSetFile: TEST_SET,
        expected: { correct: 1, samples: 4 },
        toleranceSamples: -1,
      }),
    );
    expect(error.code).toBe("INVALID_OPTION");
  });
});
