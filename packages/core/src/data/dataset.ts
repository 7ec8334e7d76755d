import { DeadweightError } from "../errors.js";

/**
 * A labelled classification dataset held in memory, row-major: sample i's features are
 * features[i * featureCount .. (i + 1) * featureCount).
 */
export interface Dataset {
  /** Human-readable origin, used in error messages ("mnist train", "iris.csv"). */
  readonly name: string;
  readonly features: Float32Array;
  readonly labels: Int32Array;
  readonly featureCount: number;
  readonly classCount: number;
  /** Class index -> name when the source named its classes (CSV labels such as "benign"); absent otherwise. */
  readonly classNames?: readonly string[];
  /** Feature index -> name when the source named its columns (a CSV header); absent otherwise. */
  readonly featureNames?: readonly string[];
}

/** The number of samples in a dataset. */
export function sampleCount(dataset: Dataset): number {
  return dataset.labels.length;
}

/** Samples [from, to) of a dataset, sharing its memory (no copy). */
export function datasetRange(dataset: Dataset, from: number, to: number, name?: string): Dataset {
  const count = sampleCount(dataset);
  if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from <= to && to <= count)) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `dataset "${dataset.name}": sample range [${from}, ${to}) is outside its ${count} samples`,
    );
  }
  return {
    name: name ?? `${dataset.name}[${from}:${to}]`,
    features: dataset.features.subarray(from * dataset.featureCount, to * dataset.featureCount),
    labels: dataset.labels.subarray(from, to),
    featureCount: dataset.featureCount,
    classCount: dataset.classCount,
    ...(dataset.classNames === undefined ? {} : { classNames: dataset.classNames }),
    ...(dataset.featureNames === undefined ? {} : { featureNames: dataset.featureNames }),
  };
}

/**
 * Checks what every consumer of a dataset relies on: consistent sizes, finite features and
 * labels in [0, classCount). Throws INVALID_DATASET naming the first offending sample.
 */
export function assertValidDataset(dataset: Dataset): void {
  const { name, features, labels, featureCount, classCount } = dataset;
  if (!Number.isInteger(featureCount) || featureCount <= 0) {
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset "${name}": feature count must be a positive integer, got ${featureCount}`,
    );
  }
  if (!Number.isInteger(classCount) || classCount < 2) {
    throw new DeadweightError("INVALID_DATASET", `dataset "${name}": needs at least 2 classes, got ${classCount}`);
  }
  if (labels.length === 0) {
    throw new DeadweightError("INVALID_DATASET", `dataset "${name}": has no samples`);
  }
  if (features.length !== labels.length * featureCount) {
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset "${name}": ${labels.length} labels need ${labels.length * featureCount} feature values (${featureCount} each), found ${features.length}`,
    );
  }
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    if (label < 0 || label >= classCount) {
      throw new DeadweightError(
        "INVALID_DATASET",
        `dataset "${name}": sample ${i} has label ${label}, outside the class range 0..${classCount - 1}`,
      );
    }
  }
  for (let i = 0; i < features.length; i++) {
    if (!Number.isFinite(features[i])) {
      const sample = Math.floor(i / featureCount);
      throw new DeadweightError(
        "INVALID_DATASET",
        `dataset "${name}": sample ${sample}, feature ${i % featureCount} is ${features[i]}; every feature must be a finite number`,
      );
    }
  }
}
