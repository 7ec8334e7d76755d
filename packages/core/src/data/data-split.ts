import { DeadweightError } from "../errors.js";
import type { InputContract } from "../inputs/input-contract.js";
import { type Dataset, datasetRange, sampleCount } from "./dataset.js";
import type { FeatureScaling } from "./feature-scaling.js";

/** Which samples of the source files each part of a split is: enough to reproduce it exactly. */
export interface SplitRecord {
  /** Training samples: indices [from, to) of the training source. */
  readonly train: { readonly source: string; readonly from: number; readonly to: number };
  /** Validation samples (statistics, threshold choice): indices [from, to) of the training source. */
  readonly validation: { readonly source: string; readonly from: number; readonly to: number };
  /** Test samples (reported accuracy only): indices [from, to) of the test source. */
  readonly test: { readonly source: string; readonly from: number; readonly to: number };
}

export interface DataSplit {
  readonly train: Dataset;
  readonly validation: Dataset;
  readonly test: Dataset;
  readonly record: SplitRecord;
  /**
   * Present when train, validation and test hold scaled features (scaleDataSplit): the scaling,
   * fitted on the raw training part, and the raw parts. The network trains and is measured on the
   * scaled parts; an exported model has the scaling folded into its first layer, so it takes, and
   * is measured on, the raw ones.
   */
  readonly inputScaling?: SplitScaling;
  /**
   * Present when the network's constant input features were pruned (pruneSplitInputs): the parts
   * above (and the raw ones) hold only the kept features; exported models state the contract and
   * are verified on the full-width raw test set kept here.
   */
  readonly inputPruning?: SplitInputPruning;
}

/** A split's input contract and the full-width raw test set an exported model is verified on. */
export interface SplitInputPruning {
  readonly contract: InputContract;
  readonly fullWidthRawTest: Dataset;
}

/** A split's feature scaling and the parts as the source held them. */
export interface SplitScaling {
  readonly scaling: FeatureScaling;
  readonly raw: { readonly train: Dataset; readonly validation: Dataset; readonly test: Dataset };
}

export interface SplitOptions {
  /** Fraction of the (possibly limited) training data held out, from its end, as validation. Keras' convention: 0.1. */
  readonly validationFraction?: number;
  /** Use only the first N training samples (quick runs). */
  readonly maxTrainSamples?: number;
  /** Use only the first N test samples (quick runs). */
  readonly maxTestSamples?: number;
}

/**
 * Splits a training source into train + validation (the last `validationFraction` of the samples,
 * Keras' `validation_split` convention) and keeps the test source apart, so that statistics and
 * threshold choice never see the data that accuracy is reported on.
 */
export function splitDataset(trainSource: Dataset, testSource: Dataset, options: SplitOptions = {}): DataSplit {
  const validationFraction = options.validationFraction ?? 0.1;
  if (!(validationFraction > 0 && validationFraction < 1)) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `validationFraction must be strictly between 0 and 1, got ${validationFraction}`,
    );
  }
  if (trainSource.featureCount !== testSource.featureCount) {
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset "${testSource.name}" has ${testSource.featureCount} features per sample but "${trainSource.name}" has ${trainSource.featureCount}; train and test must match`,
    );
  }
  const usableTrain = limitOption("maxTrainSamples", options.maxTrainSamples, sampleCount(trainSource));
  const usableTest = limitOption("maxTestSamples", options.maxTestSamples, sampleCount(testSource));
  const validationCount = Math.max(1, Math.round(usableTrain * validationFraction));
  const trainCount = usableTrain - validationCount;
  if (trainCount < 1) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `only ${usableTrain} training samples: too few to hold out ${Math.round(validationFraction * 100)}% for validation and still train`,
    );
  }
  const classCount = Math.max(trainSource.classCount, testSource.classCount);
  const train = { ...datasetRange(trainSource, 0, trainCount, `${trainSource.name} (train)`), classCount };
  const validation = {
    ...datasetRange(trainSource, trainCount, usableTrain, `${trainSource.name} (validation)`),
    classCount,
  };
  const test = { ...datasetRange(testSource, 0, usableTest, `${testSource.name} (test)`), classCount };
  return {
    train,
    validation,
    test,
    record: {
      train: { source: trainSource.name, from: 0, to: trainCount },
      validation: { source: trainSource.name, from: trainCount, to: usableTrain },
      test: { source: testSource.name, from: 0, to: usableTest },
    },
  };
}

function limitOption(name: string, limit: number | undefined, available: number): number {
  if (limit === undefined) return available;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new DeadweightError("INVALID_OPTION", `${name} must be a positive integer, got ${limit}`);
  }
  return Math.min(limit, available);
}
