import type { MeasuredBundle } from "../../src/bundle/measure-model-bundle.js";
import type { WeightDtype } from "../../src/bundle/weight-dtype.js";
import type { WeightVersion } from "../../src/deployment/deployment-settings.js";
import type { DeploymentVariant, ExportedBundle } from "../../src/deployment/deployment-variant.js";
import type { MlpWeights } from "../../src/model/mlp-weights.js";
import type { RecoveredRow } from "../../src/recovery/recover-sweep-rows.js";
import type { BaseModelMetrics, SweepRow } from "../../src/sweep/sweep-row.js";
import type { BundleVerification } from "../../src/verification/verify-bundle-in-fresh-process.js";

/**
 * A hand-built sweep for the deployment decisions (no network is run): a base at 90% validation
 * accuracy and four rows, three of them on the Pareto frontier.
 *   keep-all  300 parameters, pareto, 0 points lost,   0.02 ms per sample
 *   mid       120 parameters, pareto, 0.4 points lost, latency NOT measured   <- the suggested row
 *   small      50 parameters, pareto, 3 points lost,   0.01 ms per sample
 *   off       200 parameters, not pareto, 0.5 points lost
 *   gone      emptied a layer: no model
 */
export const BASE: BaseModelMetrics = {
  hiddenSizes: [10],
  parameters: 400,
  bytes: 1600,
  validationAccuracy: 0.9,
  testAccuracy: 0.88,
  latencyMsPerSample: 0.03,
};

export function sweepRow(id: string, fields: Partial<SweepRow>): SweepRow {
  return {
    id,
    threshold: { kind: "rank", keepFraction: 0.5, score: "std" },
    status: "ok",
    keptNeurons: [5],
    keptNeuronTotal: 5,
    parameters: 100,
    bytes: 400,
    validationAccuracy: 0.9,
    testAccuracy: 0.88,
    validationAccuracyDrop: 0,
    testAccuracyDrop: 0,
    parameterReductionPercent: 0,
    neuronReductionPercent: 0,
    latencyMsPerSample: 0.01,
    pareto: true,
    ...fields,
  };
}

export const KEEP_ALL = sweepRow("keep-all", { parameters: 300, latencyMsPerSample: 0.02 });
export const MID = sweepRow("mid", {
  parameters: 120,
  validationAccuracy: 0.896,
  validationAccuracyDrop: 0.4,
  latencyMsPerSample: null,
});
export const SMALL = sweepRow("small", { parameters: 50, validationAccuracy: 0.87, validationAccuracyDrop: 3 });
export const OFF = sweepRow("off", { parameters: 200, validationAccuracyDrop: 0.5, pareto: false });
export const GONE = sweepRow("gone", {
  status: "emptied-layer",
  parameters: 0,
  validationAccuracy: null,
  testAccuracy: null,
  validationAccuracyDrop: null,
  testAccuracyDrop: null,
  latencyMsPerSample: null,
  pareto: false,
});
export const ROWS: SweepRow[] = [KEEP_ALL, OFF, MID, SMALL, GONE];

/** A bundle as measureModelBundle reports it, without the bytes themselves (decisions never read them). */
export function measuredBundle(
  dtype: WeightDtype,
  bytes: number,
  validationAccuracy: number | null,
  testCorrect = 88,
): MeasuredBundle {
  return {
    bundle: {
      weightDtype: dtype,
      model: { modelJson: { modelTopology: {}, weightsManifest: [] }, weightsBin: new Uint8Array() },
      files: [],
    },
    bytes,
    files: [
      { name: "model.json", bytes: 100, sha256: "a".repeat(64) },
      { name: "weights.bin", bytes: bytes - 100, sha256: "b".repeat(64) },
    ],
    test: { correct: testCorrect, samples: 100, accuracy: testCorrect / 100 },
    validation: validationAccuracy === null ? null : { correct: 0, samples: 100, accuracy: validationAccuracy },
  };
}

const NO_NETWORK: MlpWeights = { layers: [] };

export function variant(
  row: SweepRow,
  version: WeightVersion,
  bundles: readonly MeasuredBundle[],
  recovery: RecoveredRow | null = null,
): DeploymentVariant {
  return {
    row,
    version,
    network: NO_NETWORK,
    measured: new Map(bundles.map((bundle) => [bundle.bundle.weightDtype, bundle])),
    recovery,
  };
}

/**
 * One-shot variants of the three Pareto rows (bytes / validation accuracy after reloading):
 *   keep-all  float32 1300 / 0.900   uint8 400 / 0.895
 *   mid       float32  600 / 0.898   uint8 250 / 0.896
 *   small     float32  300 / 0.870   uint8 150 / not measured
 */
export const ONE_SHOT = {
  keepAll: variant(KEEP_ALL, "one-shot", [measuredBundle("float32", 1300, 0.9), measuredBundle("uint8", 400, 0.895)]),
  mid: variant(MID, "one-shot", [measuredBundle("float32", 600, 0.898), measuredBundle("uint8", 250, 0.896)]),
  small: variant(SMALL, "one-shot", [measuredBundle("float32", 300, 0.87), measuredBundle("uint8", 150, null)]),
};

export function recoveredRow(row: SweepRow, fields: Partial<RecoveredRow> = {}): RecoveredRow {
  return {
    rowId: row.id,
    parameters: row.parameters,
    oneShot: { validationAccuracy: row.validationAccuracy ?? 0, testAccuracy: row.testAccuracy ?? 0 },
    recovered: { validationAccuracy: 0.9, testAccuracy: 0.87 },
    recoveredValidationAccuracyDrop: 0,
    recoveredTestAccuracyDrop: 1,
    epochs: 2,
    seconds: 3,
    costRelativeToBaseTraining: 0.25,
    weights: NO_NETWORK,
    ...fields,
  };
}

/** What the fresh-process verifier reports for a bundle it reproduced exactly. */
export function exportedBundle(of: DeploymentVariant, dtype: WeightDtype): ExportedBundle {
  const measured = of.measured.get(dtype)!;
  const verification: BundleVerification = {
    folder: `/out/bundles/${of.row.id}/${of.version}/${dtype}`,
    testSetFile: "/tmp/test-set.dwds",
    expected: { correct: measured.test.correct, samples: measured.test.samples },
    measured: measured.test,
    toleranceSamples: 0,
    verifier: { script: "verify-bundle.mjs", backend: "wasm", tfjsVersion: "4.22.0", seconds: 1.5 },
    files: measured.files,
  };
  return { variant: of, dtype, measured, verification };
}
