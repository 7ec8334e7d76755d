import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { type Dataset, DeadweightError, idxToDataset, parseIdxImages, parseIdxLabels } from "@deadweight/core";
import { gunzippedIfGzip } from "./gzip-bytes.js";
import { readDatasetFile } from "./read-dataset-file.js";

/**
 * The four file names of an MNIST-style IDX folder, as published with MNIST and Fashion-MNIST; each
 * may also be there gzip-compressed as `<name>.gz` (how both are distributed).
 */
export const IDX_FILE_NAMES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
} as const;

/**
 * At most how many samples of each set to keep: the first ones (an experiment's
 * split.maxTrainSamples / maxTestSamples, which use no more). Absent: all.
 */
export interface SampleLimits {
  readonly train?: number | undefined;
  readonly test?: number | undefined;
}

/** The sample limits an experiment's split settings set: it never uses more than its first samples. */
export function sampleLimitsOfSplit(split: {
  readonly maxTrainSamples?: number | undefined;
  readonly maxTestSamples?: number | undefined;
}): SampleLimits {
  return { train: split.maxTrainSamples, test: split.maxTestSamples };
}

/**
 * Loads the train and test sets of a folder holding the four MNIST-style IDX files, each plain or
 * gzip (`.gz`, decompressed as it loads); datasets are named `${name} train` and `${name} test`
 * (name defaults to the folder path). With `limits`, only the first samples of each set are kept.
 */
export function loadIdxFolder(
  dir: string,
  name: string = dir,
  limits: SampleLimits = {},
): { train: Dataset; test: Dataset } {
  const paths = idxFilePaths(dir);
  const fileOf = (fileName: string) => {
    const path = paths[fileName as IdxFileName];
    return { bytes: gunzippedIfGzip(readDatasetFile(path), path), source: path };
  };
  return idxDatasetsOf(fileOf, name, `IDX folder "${dir}"`, limits);
}

type IdxFileName = (typeof IDX_FILE_NAMES)[keyof typeof IDX_FILE_NAMES];

/**
 * Where each of the four IDX files of `dir` is: `<name>` when it is there, else `<name>.gz`. Throws
 * INVALID_DATASET when the folder does not exist or lacks a file in both forms.
 */
export function idxFilePaths(dir: string): Record<IdxFileName, string> {
  assertFolder(dir);
  const paths: Partial<Record<IdxFileName, string>> = {};
  const missing: string[] = [];
  for (const file of Object.values(IDX_FILE_NAMES)) {
    const found = [join(dir, file), join(dir, `${file}.gz`)].find((path) => existsSync(path));
    if (found === undefined) missing.push(file);
    else paths[file] = found;
  }
  if (missing.length > 0) {
    // The folder's other files are not listed: it may be any folder of a worker's disk.
    throw new DeadweightError(
      "INVALID_DATASET",
      `IDX folder "${dir}" lacks ${missing.join(", ")} (plain or .gz); it must hold the four files ${Object.values(IDX_FILE_NAMES).join(", ")}, each uncompressed or gzip as published`,
    );
  }
  return paths as Record<IdxFileName, string>;
}

/**
 * The train and test sets of the four MNIST-style IDX files as bytes (`fileOf` gives each file's
 * bytes and the name its errors use); datasets are named `${name} train` and `${name} test`.
 */
export function idxDatasetsOf(
  fileOf: (fileName: string) => { readonly bytes: Uint8Array; readonly source: string },
  name: string,
  where: string,
  limits: SampleLimits = {},
): { train: Dataset; test: Dataset } {
  const train = loadIdxPair(
    fileOf,
    IDX_FILE_NAMES.trainImages,
    IDX_FILE_NAMES.trainLabels,
    `${name} train`,
    limits.train,
  );
  const test = loadIdxPair(fileOf, IDX_FILE_NAMES.testImages, IDX_FILE_NAMES.testLabels, `${name} test`, limits.test);
  if (train.featureCount !== test.featureCount) {
    throw new DeadweightError(
      "INVALID_DATASET",
      `${where}: ${IDX_FILE_NAMES.trainImages} has ${train.featureCount} pixels per image but ${IDX_FILE_NAMES.testImages} has ${test.featureCount}; both must come from the same dataset`,
    );
  }
  // A test set that happens to lack the highest class must still score against the same classes.
  const classCount = Math.max(train.classCount, test.classCount);
  return { train: { ...train, classCount }, test: { ...test, classCount } };
}

function loadIdxPair(
  fileOf: (fileName: string) => { readonly bytes: Uint8Array; readonly source: string },
  imagesFile: string,
  labelsFile: string,
  name: string,
  maxSamples: number | undefined,
): Dataset {
  const imagesFileBytes = fileOf(imagesFile);
  const labelsFileBytes = fileOf(labelsFile);
  const images = parseIdxImages(imagesFileBytes.bytes, imagesFileBytes.source);
  const labels = parseIdxLabels(labelsFileBytes.bytes, labelsFileBytes.source);
  return idxToDataset({
    images,
    labels,
    name,
    labelsSourceName: labelsFileBytes.source,
    ...(maxSamples === undefined ? {} : { maxSamples }),
  });
}

function assertFolder(dir: string): void {
  if (!existsSync(dir)) {
    throw new DeadweightError("INVALID_DATASET", `IDX folder "${dir}" does not exist; check the path`);
  }
  if (!statSync(dir).isDirectory()) {
    throw new DeadweightError(
      "INVALID_DATASET",
      `IDX folder "${dir}" is a file, not a folder; pass the folder that holds the four IDX files`,
    );
  }
}
