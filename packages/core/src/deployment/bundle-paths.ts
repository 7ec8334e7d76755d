import type { WeightDtype } from "../bundle/weight-dtype.js";
import type { WeightVersion } from "./deployment-settings.js";

/** The model card's file name, beside the folders of the candidate's dtypes. */
export const MODEL_CARD_FILE_NAME = "model-card.json";

/**
 * Where a deployment's files go, relative to the folder that holds them (a run's artifacts, a CLI
 * run folder): bundles/<row>/<version>/<dtype>/ for a bundle, and the model card beside the dtypes.
 * One layout everywhere, so a card's bundle folders ("float16") resolve wherever it is read.
 */
export function bundleFolderName(rowId: string, version: WeightVersion, dtype: WeightDtype): string {
  return `${candidateFolderName(rowId, version)}/${dtype}`;
}

/** A bundle file's name relative to the deployment's root: bundles/<row>/<version>/<dtype>/<file>. */
export function bundleFileName(rowId: string, version: WeightVersion, dtype: WeightDtype, file: string): string {
  return `${bundleFolderName(rowId, version, dtype)}/${file}`;
}

/** The model card's name relative to the deployment's root: bundles/<row>/<version>/model-card.json. */
export function modelCardFileName(rowId: string, version: WeightVersion): string {
  return `${candidateFolderName(rowId, version)}/${MODEL_CARD_FILE_NAME}`;
}

function candidateFolderName(rowId: string, version: WeightVersion): string {
  return `bundles/${rowId}/${version}`;
}
