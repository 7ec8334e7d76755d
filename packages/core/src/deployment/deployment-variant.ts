import type { MeasuredBundle } from "../bundle/measure-model-bundle.js";
import type { WeightDtype } from "../bundle/weight-dtype.js";
import type { MlpWeights } from "../model/mlp-weights.js";
import type { RecoveredRow } from "../recovery/recover-sweep-rows.js";
import type { SweepRow } from "../sweep/sweep-row.js";
import type { BundleVerification } from "../verification/verify-bundle-in-fresh-process.js";
import type { WeightVersion } from "./deployment-settings.js";

/** A candidate network: a sweep row's pruned weights, straight after surgery or fine-tuned, measured per dtype. */
export interface DeploymentVariant {
  readonly row: SweepRow;
  readonly version: WeightVersion;
  readonly network: MlpWeights;
  /** One measured bundle per configured dtype, in the configured order. */
  readonly measured: ReadonlyMap<WeightDtype, MeasuredBundle>;
  /** The fine-tuning that produced `network`; null for one-shot weights. */
  readonly recovery: RecoveredRow | null;
}

/** A variant's bundle of one dtype, written to disk and checked in a fresh process. */
export interface ExportedBundle {
  readonly variant: DeploymentVariant;
  readonly dtype: WeightDtype;
  readonly measured: MeasuredBundle;
  readonly verification: BundleVerification;
}

/** "<row id>/<version>": how budget answers and model cards name a variant. */
export function variantId(variant: Pick<DeploymentVariant, "row" | "version">): string {
  return `${variant.row.id}/${variant.version}`;
}
