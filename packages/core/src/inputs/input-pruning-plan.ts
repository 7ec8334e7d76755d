import { DeadweightError } from "../errors.js";
import type { InputStats } from "./input-feature-stats.js";

/** Which input features a network keeps, and the constant each removed one is replaced by. */
export interface InputPruningPlan {
  /** The number of input features the network takes before pruning. */
  readonly originalWidth: number;
  /** Original indices of the kept features, ascending: the order of the pruned network's inputs. */
  readonly kept: readonly number[];
  /** Per original feature: the value folded into the first layer's bias when it is removed (its mean). */
  readonly foldedValues: readonly number[];
  /** The std threshold the plan was made with: features with std <= it were removed. */
  readonly stdThreshold: number;
}

/**
 * Removes every input feature whose std on the measured data is <= `stdThreshold`, folding its mean
 * in its place. Never removes all of them: when every feature is at or under the threshold, the one
 * with the largest std (the first on ties) is kept. Throws INVALID_THRESHOLD for a threshold that is
 * not a finite number >= 0 and INVALID_DATASET for statistics with a NaN or no features.
 */
export function planInputPruning(stats: InputStats, stdThreshold: number): InputPruningPlan {
  if (!(Number.isFinite(stdThreshold) && stdThreshold >= 0)) {
    throw new DeadweightError(
      "INVALID_THRESHOLD",
      `the input std threshold must be a finite number >= 0, got ${stdThreshold}`,
    );
  }
  const width = stats.features.length;
  if (width === 0) throw new DeadweightError("INVALID_DATASET", "input statistics cover no features: nothing to prune");
  stats.features.forEach((feature, index) => {
    if (!(Number.isFinite(feature.mean) && Number.isFinite(feature.std))) {
      throw new DeadweightError(
        "INVALID_DATASET",
        `input feature ${index} has mean ${feature.mean} and std ${feature.std}; input pruning needs finite statistics (clean the data first)`,
      );
    }
  });
  let kept = stats.features.flatMap((feature, index) => (feature.std > stdThreshold ? [index] : []));
  if (kept.length === 0) {
    let widest = 0;
    stats.features.forEach((feature, index) => {
      if (feature.std > (stats.features[widest] as { std: number }).std) widest = index;
    });
    kept = [widest];
  }
  return {
    originalWidth: width,
    kept,
    foldedValues: stats.features.map((feature) => feature.mean),
    stdThreshold,
  };
}
