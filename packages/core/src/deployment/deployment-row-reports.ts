import type { WeightDtype } from "../bundle/weight-dtype.js";
import { bundleFileName } from "./bundle-paths.js";
import type { WeightVersion } from "./deployment-settings.js";
import { type DeploymentVariant, type ExportedBundle, variantId } from "./deployment-variant.js";

/** One measured row of a deployment: its recovery (if fine-tuned) and every bundle measured for it. */
export interface DeploymentRowReport {
  readonly rowKey: string;
  readonly recovery: {
    readonly epochs: number;
    readonly validationAccuracy: number;
    readonly testAccuracy: number;
    /** Base minus recovered accuracy, in points. */
    readonly validationAccuracyDrop: number;
    readonly testAccuracyDrop: number;
    readonly seconds: number;
    /** null when the base model's training time is unknown. */
    readonly costRelativeToBaseTraining: number | null;
  } | null;
  readonly bundles: DeploymentBundleReport[];
}

/** A row's bundle of one version and dtype: what it measured after reloading, and its export if it was exported. */
export interface DeploymentBundleReport {
  readonly weights: WeightVersion;
  readonly dtype: WeightDtype;
  readonly bytes: number;
  readonly testAccuracy: number;
  readonly testCorrect: number;
  readonly testSamples: number;
  readonly validationAccuracy: number | null;
  readonly exported: {
    /** Names relative to the deployment's root (bundleFileName). */
    readonly files: { readonly name: string; readonly bytes: number; readonly sha256: string }[];
    readonly verification: {
      readonly correct: number;
      readonly samples: number;
      readonly accuracy: number;
      readonly toleranceSamples: number;
      readonly backend: string;
      readonly tfjsVersion: string;
      readonly seconds: number;
    };
  } | null;
}

/** One report per measured row, in the order rows were first measured; a row's one-shot bundles before its recovered ones. */
export function deploymentRowReports(
  variants: readonly DeploymentVariant[],
  exported: readonly ExportedBundle[],
): DeploymentRowReport[] {
  const byRow = new Map<string, DeploymentRowReport>();
  for (const variant of variants) {
    const report = byRow.get(variant.row.id) ?? { rowKey: variant.row.id, recovery: null, bundles: [] };
    const recovery: DeploymentRowReport["recovery"] =
      variant.recovery === null
        ? report.recovery
        : {
            epochs: variant.recovery.epochs,
            validationAccuracy: variant.recovery.recovered.validationAccuracy,
            testAccuracy: variant.recovery.recovered.testAccuracy,
            validationAccuracyDrop: variant.recovery.recoveredValidationAccuracyDrop,
            testAccuracyDrop: variant.recovery.recoveredTestAccuracyDrop,
            seconds: variant.recovery.seconds,
            costRelativeToBaseTraining: Number.isFinite(variant.recovery.costRelativeToBaseTraining)
              ? variant.recovery.costRelativeToBaseTraining
              : null,
          };
    const bundles = [...variant.measured].map(([dtype, measured]): DeploymentBundleReport => {
      const verification = exported.find(
        (entry) => entry.dtype === dtype && variantId(entry.variant) === variantId(variant),
      )?.verification;
      return {
        weights: variant.version,
        dtype,
        bytes: measured.bytes,
        testAccuracy: measured.test.accuracy,
        testCorrect: measured.test.correct,
        testSamples: measured.test.samples,
        validationAccuracy: measured.validation?.accuracy ?? null,
        exported:
          verification === undefined
            ? null
            : {
                files: measured.files.map((file) => ({
                  name: bundleFileName(variant.row.id, variant.version, dtype, file.name),
                  bytes: file.bytes,
                  sha256: file.sha256,
                })),
                verification: {
                  correct: verification.measured.correct,
                  samples: verification.measured.samples,
                  accuracy: verification.measured.accuracy,
                  toleranceSamples: verification.toleranceSamples,
                  backend: verification.verifier.backend,
                  tfjsVersion: verification.verifier.tfjsVersion,
                  seconds: verification.verifier.seconds,
                },
              },
      };
    });
    byRow.set(variant.row.id, { ...report, recovery, bundles: [...report.bundles, ...bundles] });
  }
  return [...byRow.values()];
}
