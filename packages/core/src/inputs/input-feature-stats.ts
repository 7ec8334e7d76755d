import type { Dataset } from "../data/dataset.js";
import { sampleCount } from "../data/dataset.js";
import { DeadweightError } from "../errors.js";

/** Mean and population std of one input feature over a dataset (float64). */
export interface InputFeatureStats {
  readonly mean: number;
  readonly std: number;
}

/** Per input feature statistics of a dataset, and how many samples they came from. */
export interface InputStats {
  readonly sampleCount: number;
  readonly features: readonly InputFeatureStats[];
}

/**
 * Mean and population std (divides by n) of every input feature of `dataset`, in float64 with two
 * passes (mean first, then squared deviations), so a feature constant on the data gets std exactly 0.
 * Throws INVALID_DATASET on an empty dataset or naming the sample and feature of a NaN or infinity.
 */
export function measureInputFeatures(dataset: Dataset): InputStats {
  const count = sampleCount(dataset);
  const width = dataset.featureCount;
  if (count === 0) throw new DeadweightError("INVALID_DATASET", `dataset "${dataset.name}" has no samples to measure`);
  const { features } = dataset;
  const mean = new Float64Array(width);
  for (let sample = 0; sample < count; sample++) {
    const offset = sample * width;
    for (let feature = 0; feature < width; feature++) {
      const value = features[offset + feature] as number;
      // value - value is 0 for every finite number, NaN for NaN and +-Infinity.
      if (value - value !== 0) {
        throw new DeadweightError(
          "INVALID_DATASET",
          `dataset "${dataset.name}": sample ${sample}, feature ${feature} is ${value}; input statistics need finite features (clean the data first)`,
        );
      }
      mean[feature] = (mean[feature] as number) + value;
    }
  }
  for (let feature = 0; feature < width; feature++) mean[feature] = (mean[feature] as number) / count;
  const m2 = new Float64Array(width);
  for (let sample = 0; sample < count; sample++) {
    const offset = sample * width;
    for (let feature = 0; feature < width; feature++) {
      const deviation = (features[offset + feature] as number) - (mean[feature] as number);
      m2[feature] = (m2[feature] as number) + deviation * deviation;
    }
  }
  return {
    sampleCount: count,
    features: Array.from({ length: width }, (_, feature) => ({
      mean: mean[feature] as number,
      std: Math.sqrt((m2[feature] as number) / count),
    })),
  };
}
