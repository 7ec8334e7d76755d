import type { PruningThreshold } from "@deadweight/core/tensor-free";

/** A threshold as people read it in tables and tooltips ("mean ≤ 0.1, std ≤ 0.4"). */
export function describeThreshold(threshold: PruningThreshold): string {
  switch (threshold.kind) {
    case "meanStd":
      return `|mean| ≤ ${threshold.mean}, std ≤ ${threshold.std}`;
    case "stdFold":
      return `std ≤ ${threshold.std} (folded)`;
    case "apoz":
      return `APoZ ≥ ${threshold.apoz}`;
    case "rank":
      return `keep ${Math.round(threshold.keepFraction * 100)}% by ${threshold.score}`;
  }
}
