import { DeadweightError } from "../errors.js";
import type { Dataset } from "./dataset.js";

/** How input features are scaled before the first layer: standardised, mapped to [0, 1], or left as they are. */
export const FEATURE_SCALING_METHODS = ["standard", "minmax", "none"] as const;
export type FeatureScalingMethod = (typeof FEATURE_SCALING_METHODS)[number];

/**
 * A per-feature affine scaling, x' = (x - offset[i]) / scale[i], fitted on a training set:
 * "standard" takes each feature's mean and (population) standard deviation, "minmax" its minimum
 * and range, "none" offset 0 and scale 1. A feature that is constant on the training set gets scale
 * 1, so it becomes 0 there and nothing is ever divided by zero.
 */
export interface FeatureScaling {
  readonly method: FeatureScalingMethod;
  readonly offset: readonly number[];
  /** Always finite and > 0. */
  readonly scale: readonly number[];
  /** 0-based indices of the features that were constant on the training set (given scale 1). */
  readonly constantFeatures: readonly number[];
}

/** The scaling that changes nothing: offset 0 and scale 1 for each of `featureCount` features. */
export function identityScaling(featureCount: number): FeatureScaling {
  return {
    method: "none",
    offset: new Array<number>(featureCount).fill(0),
    scale: new Array<number>(featureCount).fill(1),
    constantFeatures: [],
  };
}

/**
 * Fits `method` on `train` only (statistics in float64). The caller applies the result to the
 * validation and test sets too, so that neither ever shapes the scaling. Throws INVALID_OPTION for
 * an unknown method.
 */
export function fitFeatureScaling(train: Dataset, method: FeatureScalingMethod): FeatureScaling {
  if (!(FEATURE_SCALING_METHODS as readonly string[]).includes(method)) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `feature scaling "${String(method)}" is not one of ${FEATURE_SCALING_METHODS.map((name) => `"${name}"`).join(", ")}`,
    );
  }
  const { features, featureCount } = train;
  if (method === "none") return identityScaling(featureCount);
  const count = train.labels.length;
  if (count === 0) {
    throw new DeadweightError("INVALID_DATASET", `dataset "${train.name}": has no samples to fit a feature scaling on`);
  }
  const offset: number[] = [];
  const scale: number[] = [];
  const constantFeatures: number[] = [];
  for (let feature = 0; feature < featureCount; feature++) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let sum = 0;
    for (let sample = 0; sample < count; sample++) {
      const value = features[sample * featureCount + feature] as number;
      if (value < min) min = value;
      if (value > max) max = value;
      sum += value;
    }
    // Constant means every value equal: a computed std of ~1e-17 from rounding must not become a divisor.
    const constant = min === max;
    if (constant) constantFeatures.push(feature);
    if (method === "minmax") {
      offset.push(min);
      scale.push(constant ? 1 : max - min);
      continue;
    }
    const mean = sum / count;
    let squares = 0;
    for (let sample = 0; sample < count; sample++) {
      const deviation = (features[sample * featureCount + feature] as number) - mean;
      squares += deviation * deviation;
    }
    offset.push(mean);
    scale.push(constant ? 1 : Math.sqrt(squares / count));
  }
  return { method, offset, scale, constantFeatures };
}

/** A copy of `dataset` with every feature scaled (computed in float64, stored as float32); labels and names are kept. */
export function scaleDataset(dataset: Dataset, scaling: FeatureScaling): Dataset {
  assertScalingFits(scaling, dataset);
  if (scaling.method === "none") return dataset;
  const { featureCount } = dataset;
  const source = dataset.features;
  const features = new Float32Array(source.length);
  for (let index = 0; index < source.length; index++) {
    const feature = index % featureCount;
    features[index] =
      ((source[index] as number) - (scaling.offset[feature] as number)) / (scaling.scale[feature] as number);
  }
  return { ...dataset, features };
}

function assertScalingFits(scaling: FeatureScaling, dataset: Dataset): void {
  if (scaling.offset.length !== dataset.featureCount || scaling.scale.length !== dataset.featureCount) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `dataset "${dataset.name}" has ${dataset.featureCount} features but the feature scaling has ${scaling.offset.length} offsets and ${scaling.scale.length} scales; fit it on data with the same columns`,
    );
  }
}
