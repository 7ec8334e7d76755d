import { DeadweightError } from "../errors.js";
import { assertValidThreshold } from "../pruning/plan-pruning.js";
import { type PruningThreshold, type RankScore, thresholdId } from "../pruning/pruning-threshold.js";

/** The thresholds of a sweep: a grid for one criterion, or an explicit list. */
export type ThresholdGrid =
  | { readonly kind: "meanStd"; readonly means: readonly number[]; readonly stds: readonly number[] }
  | { readonly kind: "stdFold"; readonly stds: readonly number[] }
  | { readonly kind: "apoz"; readonly apozs: readonly number[] }
  | { readonly kind: "rank"; readonly keepFractions: readonly number[]; readonly score: RankScore }
  | { readonly kind: "list"; readonly thresholds: readonly PruningThreshold[] };

/**
 * The default sweep: 6 means x 5 stds = 30 thresholds of the original rule, including the post's
 * two headline points (mean 0.1 / std 0.4 and mean 0.5 / std 1).
 */
export const DEFAULT_THRESHOLD_GRID: ThresholdGrid = {
  kind: "meanStd",
  means: [0, 0.05, 0.1, 0.2, 0.3, 0.5],
  stds: [0.1, 0.2, 0.4, 0.6, 1],
};

/** Every threshold of a grid, validated, duplicates removed, in grid order. Throws INVALID_THRESHOLD on an empty grid. */
export function expandThresholdGrid(grid: ThresholdGrid): PruningThreshold[] {
  const thresholds: PruningThreshold[] = (() => {
    switch (grid.kind) {
      case "meanStd":
        requireValues("means", grid.means);
        requireValues("stds", grid.stds);
        return grid.means.flatMap((mean) => grid.stds.map((std) => ({ kind: "meanStd" as const, mean, std })));
      case "stdFold":
        requireValues("stds", grid.stds);
        return grid.stds.map((std) => ({ kind: "stdFold" as const, std }));
      case "apoz":
        requireValues("apozs", grid.apozs);
        return grid.apozs.map((apoz) => ({ kind: "apoz" as const, apoz }));
      case "rank":
        requireValues("keepFractions", grid.keepFractions);
        return grid.keepFractions.map((keepFraction) => ({ kind: "rank" as const, keepFraction, score: grid.score }));
      case "list":
        requireValues("thresholds", grid.thresholds);
        return [...grid.thresholds];
    }
  })();
  const seen = new Set<string>();
  return thresholds.filter((threshold) => {
    assertValidThreshold(threshold);
    const id = thresholdId(threshold);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function requireValues(field: string, values: readonly unknown[]): void {
  if (values.length === 0) {
    throw new DeadweightError("INVALID_THRESHOLD", `the threshold grid is empty: ${field} needs at least one value`);
  }
}
