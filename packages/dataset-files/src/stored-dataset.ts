import { DeadweightError } from "@deadweight/core";
import { type DatasetKind, PLATFORM_DATASET_PREFIX } from "@deadweight/protocol";
import { CSV_TEST_FRACTION, loadCsvTexts } from "./csv-files.js";
import { decodeCsvBytes } from "./csv-text.js";
import { IDX_ALREADY_SCALED, type LoadedDatasets } from "./dataset-source.js";
import { gunzippedIfGzip } from "./gzip-bytes.js";
import { IDX_FILE_NAMES, idxDatasetsOf } from "./idx-folder.js";

/** A dataset the platform stores, its files' bytes already fetched (and checked against their sha256). */
export interface StoredDatasetFiles {
  readonly id: string;
  readonly name: string;
  readonly kind: DatasetKind;
  /** csv: the training file, then the test file if any; idx: the four IDX files, each maybe gzip (`.gz`). */
  readonly files: readonly { readonly name: string; readonly bytes: Uint8Array }[];
}

/**
 * Loads a dataset the platform stores from its files' bytes, as loadDatasetSource loads the same
 * files from disk: CSV (label column and header as the run says; .csv.gz decompressed) or the four
 * MNIST-style IDX files (gzip ones decompressed).
 */
export function loadStoredDataset(
  dataset: StoredDatasetFiles,
  options: { readonly labelColumn?: string | number; readonly header?: boolean } = {},
): LoadedDatasets {
  const reference = `${PLATFORM_DATASET_PREFIX}${dataset.id}`;
  const fileName = (name: string) => `${dataset.name}/${name}`;
  if (dataset.kind === "csv") {
    const [train, test, ...extra] = dataset.files;
    if (train === undefined || extra.length > 0) {
      throw new DeadweightError(
        "INVALID_DATASET",
        `dataset "${dataset.name}" (${reference}) has ${dataset.files.length} files; a CSV dataset has a training file and at most a test file`,
      );
    }
    const text = (file: { readonly name: string; readonly bytes: Uint8Array }) => ({
      text: decodeCsvBytes(file.bytes, fileName(file.name)),
      name: fileName(file.name),
    });
    const loaded = loadCsvTexts({
      ...options,
      train: text(train),
      ...(test === undefined ? {} : { test: text(test) }),
    });
    const origin =
      test === undefined
        ? `platform dataset "${dataset.name}" (${reference}), CSV ${train.name} (last ${CSV_TEST_FRACTION * 100}% of rows held out as test)`
        : `platform dataset "${dataset.name}" (${reference}), CSV ${train.name} + ${test.name}`;
    return { ...loaded, description: `${origin}: ${shape(loaded)}`, alreadyScaled: null };
  }
  const byName = new Map(dataset.files.map((file) => [file.name.replace(/\.gz$/i, ""), file]));
  const missing = Object.values(IDX_FILE_NAMES).filter((name) => !byName.has(name));
  if (missing.length > 0) {
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset "${dataset.name}" (${reference}) lacks ${missing.join(", ")}; an IDX dataset holds the four files ${Object.values(IDX_FILE_NAMES).join(", ")} (each may be gzip, named .gz)`,
    );
  }
  const fileOf = (name: string) => {
    const file = byName.get(name) as { readonly name: string; readonly bytes: Uint8Array };
    return { bytes: gunzippedIfGzip(file.bytes, fileName(file.name)), source: fileName(file.name) };
  };
  const { train, test } = idxDatasetsOf(fileOf, dataset.name, `dataset "${dataset.name}" (${reference})`);
  return {
    train,
    test,
    classNames: null,
    description: `platform dataset "${dataset.name}" (${reference}), IDX: ${shape({ train, test })}`,
    alreadyScaled: IDX_ALREADY_SCALED,
  };
}

function shape({ train, test }: Pick<LoadedDatasets, "train" | "test">): string {
  return `${train.labels.length} train + ${test.labels.length} test samples, ${train.featureCount} features, ${train.classCount} classes`;
}
