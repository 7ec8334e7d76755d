import { DeadweightError } from "../errors.js";
import type { DataSplit, SplitRecord } from "./data-split.js";
import {
  type FeatureScaling,
  type FeatureScalingMethod,
  fitFeatureScaling,
  identityScaling,
  scaleDataset,
} from "./feature-scaling.js";

/**
 * The split with its features scaled by `method`, fitted on the training part ONLY (the validation
 * and test parts are scaled with the training statistics, so neither shapes the scaling). The raw
 * parts stay reachable through `inputScaling` for what takes raw features: exported models.
 * Throws INVALID_OPTION when the split is already scaled.
 */
export function scaleDataSplit(split: DataSplit, method: FeatureScalingMethod): DataSplit {
  if (split.inputScaling !== undefined) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `the split of "${split.train.name}" is already scaled (${split.inputScaling.scaling.method}); scale the raw split once`,
    );
  }
  const scaling = fitFeatureScaling(split.train, method);
  return {
    train: scaleDataset(split.train, scaling),
    validation: scaleDataset(split.validation, scaling),
    test: scaleDataset(split.test, scaling),
    record: split.record,
    inputScaling: { scaling, raw: { train: split.train, validation: split.validation, test: split.test } },
  };
}

/** The split's parts as the source held them: what an exported model (scaling folded in) takes. */
export function rawSplitParts(split: DataSplit): NonNullable<DataSplit["inputScaling"]>["raw"] {
  return split.inputScaling?.raw ?? { train: split.train, validation: split.validation, test: split.test };
}

/** The scaling the network's inputs went through: the identity for a split that was never scaled. */
export function splitFeatureScaling(split: DataSplit): FeatureScaling {
  return split.inputScaling?.scaling ?? identityScaling(split.train.featureCount);
}

/** A feature scaling as results and model cards record it (plain JSON). */
export interface FeatureScalingRecord {
  readonly method: FeatureScalingMethod;
  /** The samples the statistics come from: the training part of the split, never validation or test. */
  readonly fittedOn: SplitRecord["train"];
  /**
   * True when exported models have it folded into their first Dense layer (W' = W / scale,
   * b' = b - (offset / scale)·W per input feature), so they take the raw features.
   */
  readonly foldedIntoFirstLayer: boolean;
  /** Per feature, x' = (x - offset) / scale; both empty for "none". */
  readonly offset: number[];
  readonly scale: number[];
  /** 0-based features constant on the training part (scale 1 instead of a division by zero). */
  readonly constantFeatures: number[];
}

/** The record of the split's feature scaling. */
export function featureScalingRecord(split: DataSplit): FeatureScalingRecord {
  const scaling = splitFeatureScaling(split);
  const none = scaling.method === "none";
  return {
    method: scaling.method,
    fittedOn: split.record.train,
    foldedIntoFirstLayer: !none,
    offset: none ? [] : [...scaling.offset],
    scale: none ? [] : [...scaling.scale],
    constantFeatures: [...scaling.constantFeatures],
  };
}
