import type { LearningCheck } from "../learning/learning-check.js";
import { smallestRowWithinDrop, type WithinDropRow } from "./smallest-row-within-drop.js";

/** The largest accuracy drop, in validation points, the suggestion tolerates. */
export const SUGGESTION_MAX_VALIDATION_DROP = 0.5;

/**
 * The row a person would look at first: the fewest parameters among rows whose validation accuracy
 * is at most 0.5 points below the base model's (smallestRowWithinDrop on the parameter axis, its
 * ties included). Chosen on validation data only; null when none is, and null when the base model
 * did not learn (`learning`, checkBaseModelLearning's verdict; null when not known): a smaller copy
 * of a model that learned nothing is no candidate.
 */
export function suggestedRow<T extends WithinDropRow>(
  rows: readonly T[],
  learning: Pick<LearningCheck, "verdict"> | null,
): T | null {
  if (learning?.verdict === "did-not-learn") return null;
  const pick = smallestRowWithinDrop(rows, { maxDropPoints: SUGGESTION_MAX_VALIDATION_DROP, sizeAxis: "parameters" });
  return pick.kind === "within-drop" ? pick.row : null;
}
