import { thrownDeadweightError } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import type { FeatureScalingRecord } from "../../src/data/scale-data-split.js";
import { bundleFileName, bundleFolderName, modelCardFileName } from "../../src/deployment/bundle-paths.js";
import { deploymentRowReports } from "../../src/deployment/deployment-row-reports.js";
import { modelCardInputOf } from "../../src/deployment/model-card-input.js";
import {
  BASE,
  exportedBundle,
  GONE,
  MID,
  measuredBundle,
  ONE_SHOT,
  recoveredRow,
  variant,
} from "./deployment-fixtures.js";

const BACKEND = { name: "wasm" as const, description: "wasm" };
/** A card input's record of a split that was not scaled. */
const NO_SCALING: FeatureScalingRecord = {
  method: "none",
  fittedOn: { source: "hand", from: 0, to: 100 },
  foldedIntoFirstLayer: false,
  offset: [],
  scale: [],
  constantFeatures: [],
};
const SPLIT = {
  train: { source: "hand-built", from: 0, to: 10 },
  validation: { source: "hand-built", from: 10, to: 12 },
  test: { source: "hand-built test", from: 0, to: 100 },
};
/** mid fine-tuned; its recovery cost is unknown (NaN: the base training time was not known). */
const RECOVERED_MID = variant(
  MID,
  "recovered",
  [measuredBundle("float32", 600, 0.9, 87), measuredBundle("uint8", 250, null, 86)],
  recoveredRow(MID, { costRelativeToBaseTraining: Number.NaN }),
);

describe("the deployment's file names", () => {
  it("put a bundle in bundles/<row>/<version>/<dtype>/ and the model card beside its dtypes", () => {
    expect(bundleFolderName("mean0.1-std0.4", "recovered", "uint8")).toBe("bundles/mean0.1-std0.4/recovered/uint8");
    expect(bundleFileName("mean0.1-std0.4", "one-shot", "float16", "weights.bin")).toBe(
      "bundles/mean0.1-std0.4/one-shot/float16/weights.bin",
    );
    expect(modelCardFileName("mean0.1-std0.4", "one-shot")).toBe("bundles/mean0.1-std0.4/one-shot/model-card.json");
  });
});

describe("deploymentRowReports", () => {
  it("gives one report per row: recovery beside every bundle, and the exported ones' files and verification", () => {
    const reports = deploymentRowReports(
      [ONE_SHOT.small, ONE_SHOT.mid, RECOVERED_MID],
      [exportedBundle(RECOVERED_MID, "uint8")],
    );
    expect(reports.map((report) => report.rowKey)).toEqual(["small", "mid"]);
    const [small, mid] = reports;
    expect(small?.recovery).toBeNull();
    expect(small?.bundles.map((bundle) => [bundle.weights, bundle.dtype, bundle.validationAccuracy])).toEqual([
      ["one-shot", "float32", 0.87],
      ["one-shot", "uint8", null],
    ]);
    expect(mid?.recovery).toEqual({
      epochs: 2,
      validationAccuracy: 0.9,
      testAccuracy: 0.87,
      validationAccuracyDrop: 0,
      testAccuracyDrop: 1,
      seconds: 3,
      costRelativeToBaseTraining: null,
    });
    expect(mid?.bundles.map((bundle) => `${bundle.weights}/${bundle.dtype}`)).toEqual([
      "one-shot/float32",
      "one-shot/uint8",
      "recovered/float32",
      "recovered/uint8",
    ]);
    expect(mid?.bundles.filter((bundle) => bundle.exported !== null)).toEqual([
      {
        weights: "recovered",
        dtype: "uint8",
        bytes: 250,
        testAccuracy: 0.86,
        testCorrect: 86,
        testSamples: 100,
        validationAccuracy: null,
        exported: {
          files: [
            { name: "bundles/mid/recovered/uint8/model.json", bytes: 100, sha256: "a".repeat(64) },
            { name: "bundles/mid/recovered/uint8/weights.bin", bytes: 150, sha256: "b".repeat(64) },
          ],
          verification: {
            correct: 86,
            samples: 100,
            accuracy: 0.86,
            toleranceSamples: 0,
            backend: "wasm",
            tfjsVersion: "4.22.0",
            seconds: 1.5,
          },
        },
      },
    ]);
  });
});

describe("modelCardInputOf", () => {
  const input = {
    chosen: RECOVERED_MID,
    exported: [exportedBundle(RECOVERED_MID, "float32"), exportedBundle(RECOVERED_MID, "uint8")],
    base: BASE,
    baseTrainingSeconds: null,
    createdAt: new Date("2025-01-02T03:04:05Z"),
    source: { runId: null, description: "hand-built" },
    split: SPLIT,
    backend: BACKEND,
    inputs: { featureNames: null, scaling: NO_SCALING },
    classNames: null,
    majorityClass: null,
  };

  it("claims no latency when the row's was not measured (null, never 0)", () => {
    expect(MID.latencyMsPerSample).toBeNull();
    expect(modelCardInputOf(input).latencyMsPerSample).toBeNull();
    expect(modelCardInputOf({ ...input, chosen: ONE_SHOT.small, exported: [] }).latencyMsPerSample).toBe(0.01);
  });

  it("names the variant, keeps the one-shot accuracies beside the recovery, and leaves an unknown cost out", () => {
    const card = modelCardInputOf(input);
    expect(card.candidateId).toBe("mid/recovered");
    expect(card.oneShot).toEqual({ validationAccuracy: 0.896, testAccuracy: 0.88 });
    expect(card.recovery).toMatchObject({ validationAccuracy: 0.9, testAccuracy: 0.87, epochs: 2, seconds: 3 });
    expect(card.recovery?.baseTrainingSeconds).toBeNaN();
    expect(modelCardInputOf({ ...input, baseTrainingSeconds: 12 }).recovery?.baseTrainingSeconds).toBe(12);
  });

  it("gives each verified bundle its verification and its folder beside the card (the dtype)", () => {
    const bundles = modelCardInputOf({ ...input, exported: [exportedBundle(RECOVERED_MID, "uint8")] }).bundles;
    expect(
      bundles.map((bundle) => [bundle.weightDtype, bundle.folder ?? null, bundle.verification !== undefined]),
    ).toEqual([
      ["float32", null, false],
      ["uint8", "uint8", true],
    ]);
  });

  it("refuses a row without a model", () => {
    const error = thrownDeadweightError(() => modelCardInputOf({ ...input, chosen: variant(GONE, "one-shot", []) }));
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain('row "gone" has no measured model');
  });
});
