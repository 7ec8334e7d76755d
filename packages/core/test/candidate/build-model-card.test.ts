import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { thrownDeadweightError } from "@deadweight/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/bundle/file-digest.js";
import { type MeasuredBundle, measureModelBundle } from "../../src/bundle/measure-model-bundle.js";
import { WEIGHT_DTYPES } from "../../src/bundle/weight-dtype.js";
import { buildModelCard, type ModelCardInput } from "../../src/candidate/build-model-card.js";
import type { Dataset } from "../../src/data/dataset.js";
import type { MlpWeights } from "../../src/model/mlp-weights.js";
import type { BaseModelMetrics } from "../../src/sweep/sweep-row.js";
import { writeBinaryDatasetFile } from "../../src/verification/bundle-folder.js";
import { exportVerifiedBundle } from "../../src/verification/verify-bundle-in-fresh-process.js";
import { randomMlpWeights } from "../mlp-fixtures.js";
import { randomFeatures } from "../synthetic-datasets.js";

const ROOT = mkdtempSync(join(tmpdir(), "deadweight-card-"));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

/** A "base" of 6 -> 10 -> 8 -> 3 (201 parameters) and a candidate pruned to 6 -> 4 -> 5 -> 3 (71 parameters). */
const BASE: BaseModelMetrics = {
  hiddenSizes: [10, 8],
  parameters: 6 * 10 + 10 + 10 * 8 + 8 + 8 * 3 + 3,
  bytes: 4 * 185,
  validationAccuracy: 0.9,
  testAccuracy: 0.88,
  latencyMsPerSample: 0.02,
};
const PRUNED: MlpWeights = randomMlpWeights([6, 4, 5, 3], 41);
const TEST: Dataset = {
  name: "test",
  features: randomFeatures(40, 6, 42),
  labels: Int32Array.from({ length: 40 }, (_, i) => i % 3),
  featureCount: 6,
  classCount: 3,
};
const SPLIT = {
  train: { source: "synthetic", from: 0, to: 100 },
  validation: { source: "synthetic", from: 100, to: 120 },
  test: { source: "synthetic test", from: 0, to: 40 },
};
const BACKEND = { name: "wasm" as const, description: "wasm simd, transposed-matmul fix, 1 thread" };
/** Standardisation of 6 features (one constant on the training part), as featureScalingRecord writes it. */
const SCALING = {
  method: "standard" as const,
  fittedOn: SPLIT.train,
  foldedIntoFirstLayer: true,
  offset: [0, 1, 2, 3, 4, 5],
  scale: [1, 2, 3, 4, 5, 1],
  constantFeatures: [5],
};
const MAJORITY = { index: 2, name: "virginica", trainShare: 0.4, validationRate: 0.35, testRate: 1 / 3 };

async function measuredBundles(): Promise<MeasuredBundle[]> {
  return Promise.all(WEIGHT_DTYPES.map((dtype) => measureModelBundle(PRUNED, dtype, { test: TEST })));
}

function cardInput(bundles: ModelCardInput["bundles"]): ModelCardInput {
  return {
    candidateId: "keep0.5-std",
    createdAt: new Date("2025-01-02T03:04:05Z"),
    source: { runId: "run_42", description: "tiny synthetic run" },
    threshold: { kind: "rank", keepFraction: 0.5, score: "std" },
    base: BASE,
    weights: PRUNED,
    oneShot: { validationAccuracy: 0.8, testAccuracy: 0.79 },
    recovery: { validationAccuracy: 0.89, testAccuracy: 0.87, epochs: 1, seconds: 3, baseTrainingSeconds: 12 },
    latencyMsPerSample: 0.015,
    bundles,
    split: SPLIT,
    backend: BACKEND,
    inputs: { featureNames: ["a", "b", "c", "d", "e", "f"], scaling: SCALING },
    classNames: ["setosa", "versicolor", "virginica"],
    majorityClass: MAJORITY,
  };
}

function asCardBundle(measured: MeasuredBundle): ModelCardInput["bundles"][number] {
  return {
    weightDtype: measured.bundle.weightDtype,
    bytes: measured.bytes,
    files: measured.files,
    test: measured.test,
  };
}

describe("buildModelCard", () => {
  it("records source, threshold, kept neurons, parameters, bytes per dtype, accuracies, latency, split, backend", async () => {
    const measured = await measuredBundles();
    const card = buildModelCard(cardInput(measured.map(asCardBundle)));
    expect(card.format).toBe("deadweight-model-card");
    expect(card.createdAt).toBe("2025-01-02T03:04:05.000Z");
    expect(card.source).toEqual({ runId: "run_42", description: "tiny synthetic run" });
    expect(card.threshold).toEqual({ kind: "rank", keepFraction: 0.5, score: "std" });
    expect(card.architecture).toEqual({
      inputSize: 6,
      classCount: 3,
      activation: "relu",
      baseHiddenSizes: [10, 8],
      keptNeurons: [4, 5],
    });
    // 6*4+4 + 4*5+5 + 5*3+3 = 71 of 185: 61.62% fewer.
    expect(card.parameters.kept).toBe(71);
    expect(card.parameters.base).toBe(185);
    expect(card.parameters.reductionPercent).toBeCloseTo((100 * 114) / 185, 10);
    expect(card.weights).toBe("recovered");
    expect(card.accuracy.base).toEqual({ validation: 0.9, test: 0.88 });
    expect(card.accuracy.majorityClass).toEqual({
      classIndex: 2,
      className: "virginica",
      validation: 0.35,
      test: 1 / 3,
    });
    // What the bundles take: the scaling folded into them, the features' and classes' names.
    expect(card.inputs).toEqual({ featureNames: ["a", "b", "c", "d", "e", "f"], scaling: SCALING, contract: null });
    expect(card.classNames).toEqual(["setosa", "versicolor", "virginica"]);
    expect(card.accuracy.oneShot).toEqual({ validation: 0.8, test: 0.79 });
    expect(card.accuracy.recovered).toEqual({
      validation: 0.89,
      test: 0.87,
      epochs: 1,
      seconds: 3,
      baseTrainingSeconds: 12,
      costRelativeToBaseTraining: 0.25,
    });
    expect(card.latencyMsPerSample).toBe(0.015);
    expect(card.dataSplit).toEqual(SPLIT);
    expect(card.backend).toEqual(BACKEND);
    const jsonBytes = measured.map((m) => m.files[0]?.bytes as number);
    // Weights: 71 parameters at 4, 2 and 1 bytes, plus each model.json.
    expect(card.bytesPerDtype).toEqual({
      float32: (jsonBytes[0] as number) + 284,
      float16: (jsonBytes[1] as number) + 142,
      uint8: (jsonBytes[2] as number) + 71,
    });
    for (const [index, bundle] of card.bundles.entries()) {
      const source = measured[index] as MeasuredBundle;
      expect(bundle.testCorrect).toBe(source.test.correct);
      expect(bundle.testSamples).toBe(40);
      expect(bundle.testAccuracyDropPoints).toBeCloseTo(100 * (0.88 - source.test.accuracy), 10);
      expect(bundle.verification).toBeNull();
      // The sha256 of every file is that of the bytes a caller writes.
      expect(bundle.files.map((file) => file.sha256)).toEqual(
        await Promise.all(source.bundle.files.map((file) => sha256Hex(file.bytes))),
      );
    }
    // A JSON document: survives a round trip unchanged.
    expect(JSON.parse(JSON.stringify(card))).toEqual(card);
  });

  it("records a one-shot candidate without recovery", async () => {
    const [float32] = await measuredBundles();
    const card = buildModelCard({ ...cardInput([asCardBundle(float32 as MeasuredBundle)]), recovery: null });
    expect(card.weights).toBe("one-shot");
    expect(card.accuracy.recovered).toBeNull();
    expect(Object.keys(card.bytesPerDtype)).toEqual(["float32"]);
  });

  it("claims no latency when none was measured: null, not 0", async () => {
    const [float32] = await measuredBundles();
    const card = buildModelCard({ ...cardInput([asCardBundle(float32 as MeasuredBundle)]), latencyMsPerSample: null });
    expect(card.latencyMsPerSample).toBeNull();
    expect(JSON.parse(JSON.stringify(card)).latencyMsPerSample).toBeNull();
  });

  it("carries a fresh-process verification of the written bundle, whose files are the card's", async () => {
    const testSetFile = join(ROOT, "test.bin");
    await writeBinaryDatasetFile(testSetFile, TEST);
    const uint8 = await measureModelBundle(PRUNED, "uint8", { test: TEST });
    const folder = join(ROOT, "uint8");
    const verification = await exportVerifiedBundle(uint8.bundle, { folder, testSetFile, expected: uint8.test });
    const card = buildModelCard(cardInput([{ ...asCardBundle(uint8), folder: "uint8", verification }]));
    const [bundle] = card.bundles;
    expect(bundle?.folder).toBe("uint8");
    expect(bundle?.verification).toEqual({
      backend: "wasm",
      tfjsVersion: "4.22.0",
      correct: uint8.test.correct,
      samples: 40,
      toleranceSamples: 0,
    });
    for (const file of bundle?.files ?? []) {
      expect(await sha256Hex(new Uint8Array(readFileSync(join(folder, file.name))))).toBe(file.sha256);
    }
  });

  it("refuses a verification that disagrees with the stored accuracy or read other files", async () => {
    const [float32, float16] = (await measuredBundles()) as [MeasuredBundle, MeasuredBundle];
    const verification = {
      folder: "f",
      testSetFile: "t",
      expected: { correct: float32.test.correct, samples: 40 },
      measured: { correct: float32.test.correct + 1, samples: 40, accuracy: (float32.test.correct + 1) / 40 },
      toleranceSamples: 0,
      verifier: { script: "verify-bundle.mjs", backend: "wasm", tfjsVersion: "4.22.0", seconds: 1 },
      files: float32.files,
    };
    const off = thrownDeadweightError(() => buildModelCard(cardInput([{ ...asCardBundle(float32), verification }])));
    expect(off.code).toBe("VERIFICATION_FAILED");
    expect(off.message).toContain(
      `candidate "keep0.5-std" (float32): verified ${float32.test.correct + 1}/40 correct but ${float32.test.correct}/40 is stored`,
    );
    const otherFiles = { ...verification, measured: { ...float32.test }, files: float16.files };
    const swapped = thrownDeadweightError(() =>
      buildModelCard(cardInput([{ ...asCardBundle(float32), verification: otherFiles }])),
    );
    expect(swapped.code).toBe("BUNDLE_INTEGRITY");
    expect(swapped.message).toContain("the verified files are not the measured bundle's");
  });

  it("refuses two bundles of one dtype and weights of another depth than the base", async () => {
    const [float32] = (await measuredBundles()) as [MeasuredBundle];
    const twice = thrownDeadweightError(() =>
      buildModelCard(cardInput([asCardBundle(float32), asCardBundle(float32)])),
    );
    expect(twice.message).toContain('candidate "keep0.5-std": two float32 bundles; give one per dtype');
    const shallow = thrownDeadweightError(() =>
      buildModelCard({ ...cardInput([asCardBundle(float32)]), weights: randomMlpWeights([6, 4, 3], 43) }),
    );
    expect(shallow.code).toBe("INVALID_OPTION");
    expect(shallow.message).toContain("has 1 hidden layers but the base model has 2");
  });

  it("refuses feature names that do not match the inputs, and more class names than outputs", async () => {
    const [float32] = (await measuredBundles()) as [MeasuredBundle];
    const input = cardInput([asCardBundle(float32)]);
    const names = thrownDeadweightError(() =>
      buildModelCard({ ...input, inputs: { ...input.inputs, featureNames: ["a", "b"] } }),
    );
    expect(names.message).toContain('candidate "keep0.5-std": 2 feature names for 6 inputs');
    const classes = thrownDeadweightError(() => buildModelCard({ ...input, classNames: ["a", "b", "c", "d"] }));
    expect(classes.message).toContain('candidate "keep0.5-std": 4 class names for 3 outputs');
  });

  it("states the input contract of a model with pruned inputs, and refuses one that does not fit its inputs", async () => {
    const [float32] = (await measuredBundles()) as [MeasuredBundle];
    const input = cardInput([asCardBundle(float32)]);
    const contract = { originalWidth: 9, keptFeatures: [0, 2, 3, 5, 7, 8] };
    const card = buildModelCard({ ...input, inputs: { ...input.inputs, contract } });
    expect(card.inputs.contract).toEqual({
      file: "input-contract.json",
      originalWidth: 9,
      keptFeatures: [0, 2, 3, 5, 7, 8],
      featureNames: null,
      description:
        "this model reads 6 of the original 9 features; pass the full 9-wide input through applyInputContract (input-contract.json lists the kept features in order)",
    });
    const wrong = thrownDeadweightError(() =>
      buildModelCard({ ...input, inputs: { ...input.inputs, contract: { originalWidth: 9, keptFeatures: [0, 1] } } }),
    );
    expect(wrong.message).toContain("its input contract keeps 2 features but the model takes 6");
  });
});
