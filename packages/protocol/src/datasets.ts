import { z } from "zod";
import { objectId } from "./object-id.js";

/**
 * Datasets the platform stores: a team uploads the files once (`POST /api/datasets`), experiments
 * name the dataset as `dataset:<id>`, workers fetch its description (`worker.dataset`) and download
 * each file by its sha256 (`GET /api/datasets/<id>/files/<sha256>`), checking the bytes.
 */
export const DATASET_HTTP_PATH = "/api/datasets";

/** "csv": a training file and at most a test file (.csv or .csv.gz); "idx": the four MNIST-style files (maybe .gz). */
export const DATASET_KINDS = ["csv", "idx"] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];

/** How an experiment's `dataset` names a dataset the platform stores: `dataset:<id>`. */
export const PLATFORM_DATASET_PREFIX = "dataset:";

/** The four files of an "idx" dataset (MNIST's names), each uncompressed or gzip with ".gz" appended. */
export const IDX_DATASET_FILE_NAMES = [
  "train-images-idx3-ubyte",
  "train-labels-idx1-ubyte",
  "t10k-images-idx3-ubyte",
  "t10k-labels-idx1-ubyte",
] as const;

/** How many files each kind holds: at least, at most. */
export const DATASET_FILE_COUNTS: Record<DatasetKind, { readonly min: number; readonly max: number }> = {
  csv: { min: 1, max: 2 },
  idx: { min: 4, max: 4 },
};

export const datasetKindInput = z.enum(DATASET_KINDS, { message: 'must be "csv" or "idx"' });

/** A dataset's name within its team, e.g. "iris" or "fashion-mnist 2024". */
export const datasetNameInput = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(100, "must be at most 100 characters")
  .regex(
    /^[\p{L}\p{N}][\p{L}\p{N} ._()-]*$/u,
    'must be letters, digits, spaces and "._()-", starting with a letter or digit',
  );

/** A file's name within its dataset: a plain file name, never a path. */
export const datasetFileNameInput = z
  .string()
  .min(1, "must not be empty")
  .max(200, "must be at most 200 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a plain file name (letters, digits, "._-"), without folders');

/** The query of `POST /api/datasets` (the body is multipart/form-data, one "file" part per file, in order). */
export const uploadDatasetInput = z.object({
  teamId: objectId,
  name: datasetNameInput,
  kind: datasetKindInput,
});
export type UploadDatasetInput = z.output<typeof uploadDatasetInput>;

export const storedDatasetFile = z.object({
  name: z.string(),
  sha256: z.string(),
  sizeBytes: z.number().int().nonnegative(),
});
export type StoredDatasetFile = z.output<typeof storedDatasetFile>;

/** A stored dataset as the API describes it (to people and to workers). */
export const storedDataset = z.object({
  id: z.string(),
  teamId: z.string(),
  name: z.string(),
  kind: datasetKindInput,
  /** In upload order: for csv, the training file then the test file. */
  files: z.array(storedDatasetFile),
  createdAt: z.coerce.date(),
  createdBy: z.object({ id: z.string(), name: z.string() }),
  /** What experiments write as their `dataset`. */
  reference: z.string(),
});
export type StoredDataset = z.output<typeof storedDataset>;

export const getDatasetInput = z.object({ datasetId: objectId });

/** Where a dataset file's bytes are served. */
export function datasetFilePath(datasetId: string, sha256: string): string {
  return `${DATASET_HTTP_PATH}/${encodeURIComponent(datasetId)}/files/${sha256}`;
}
