import type { Readable } from "node:stream";
import type { SignedInActor } from "../../access/actor.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";
import { getDataset } from "./get-dataset.js";

export interface DatasetFileDownload {
  readonly name: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  /** The file's bytes, verified against its sha256 before the first byte. */
  readonly stream: Readable;
}

/**
 * One file of a dataset by its sha256, for whoever may read the dataset (getDataset); a sha256 that
 * is not one of the dataset's files is NOT_FOUND, so the store's other contents cannot be reached.
 */
export async function openDatasetFile(
  store: Store,
  actor: SignedInActor,
  input: { readonly datasetId: string; readonly sha256: string },
): Promise<DatasetFileDownload> {
  const dataset = await getDataset(store, actor, { datasetId: input.datasetId });
  const file = dataset.files.find((candidate) => candidate.sha256 === input.sha256.toLowerCase());
  if (file === undefined) throw AppError.notFound(`file of dataset ${dataset.id} with sha256`, input.sha256);
  try {
    const opened = await store.artifacts.open(file.sha256, { expectedSizeBytes: file.sizeBytes });
    return { ...file, stream: opened.stream };
  } catch (error) {
    if (error instanceof AppError) {
      throw new AppError(error.code, `dataset ${dataset.id} ("${dataset.name}"), file ${file.name}: ${error.message}`);
    }
    throw error;
  }
}
