import type { Dataset } from "../data/dataset.js";
import type { MlpWeights } from "../model/mlp-weights.js";
import { type BundleAccuracy, evaluateModelBundle } from "./evaluate-model-bundle.js";
import { digestFiles, type FileDigest } from "./file-digest.js";
import { bundleBytes, encodeModelBundle, type ModelBundle, type ModelBundleOptions } from "./model-bundle.js";
import type { WeightDtype } from "./weight-dtype.js";

/** A bundle with what a deployment decision needs: its bytes, file digests and accuracy after reloading. */
export interface MeasuredBundle {
  readonly bundle: ModelBundle;
  /** Total bytes of its files, as written to disk. */
  readonly bytes: number;
  readonly files: FileDigest[];
  /** Accuracy of the reloaded bundle on the test set: the stored accuracy a verification must reproduce. */
  readonly test: BundleAccuracy;
  /** Accuracy of the reloaded bundle on the validation set, for choosing among bundles without looking at test. */
  readonly validation: BundleAccuracy | null;
}

/** Encodes `weights` as a bundle of `weightDtype`, reloads it and measures it on the test (and validation) set. */
export async function measureModelBundle(
  weights: MlpWeights,
  weightDtype: WeightDtype,
  datasets: { readonly test: Dataset; readonly validation?: Dataset },
  sourceName = `${weightDtype} bundle`,
  options: ModelBundleOptions = {},
): Promise<MeasuredBundle> {
  const bundle = await encodeModelBundle(weights, weightDtype, options);
  const test = await evaluateModelBundle(bundle.model, datasets.test, { sourceName });
  const validation =
    datasets.validation === undefined
      ? null
      : await evaluateModelBundle(bundle.model, datasets.validation, { sourceName });
  return { bundle, bytes: bundleBytes(bundle), files: await digestFiles(bundle.files), test, validation };
}
