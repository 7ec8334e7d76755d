/** Scores for rank pruning; a higher score means a more useful neuron. */
export type RankScore = "std" | "meanAbs" | "nonZeroFraction";

/**
 * One point of a sweep: how neurons are chosen for removal, and how hard.
 * - meanStd: the original rule: prune when |mean| <= mean AND std <= std.
 * - stdFold: prune when std <= std (a near-constant neuron) and fold its mean activation into the next layer's bias.
 * - apoz: prune when the fraction of samples with an exact-zero activation is >= apoz.
 * - rank: in every hidden layer keep the top `keepFraction` of neurons by `score`.
 */
export type PruningThreshold =
  | { readonly kind: "meanStd"; readonly mean: number; readonly std: number }
  | { readonly kind: "stdFold"; readonly std: number }
  | { readonly kind: "apoz"; readonly apoz: number }
  | { readonly kind: "rank"; readonly keepFraction: number; readonly score: RankScore };

export type PruningCriterionKind = PruningThreshold["kind"];

/** A stable, readable id for a threshold, used for row ids and folder names ("mean0.1-std0.4"). */
export function thresholdId(threshold: PruningThreshold): string {
  switch (threshold.kind) {
    case "meanStd":
      return `mean${threshold.mean}-std${threshold.std}`;
    case "stdFold":
      return `fold-std${threshold.std}`;
    case "apoz":
      return `apoz${threshold.apoz}`;
    case "rank":
      return `keep${threshold.keepFraction}-${threshold.score}`;
  }
}
