import type { LearningCheck } from "../learning/learning-check.js";
import type { SweepRow } from "./sweep-row.js";

/** The largest accuracy drop, in validation points, the suggestion tolerates. */
export const SUGGESTION_MAX_VALIDATION_DROP = 0.5;

type SuggestableRow = Pick<SweepRow, "status" | "validationAccuracyDrop" | "parameters">;

/**
 * The row a person would look at first: the fewest parameters among rows whose validation accuracy
 * is at most 0.5 points below the base model's. Chosen on validation data only; null when none is,
 * and null when the base model did not learn (`learning`, checkBaseModelLearning's verdict; null
 * when not known): a smaller copy of a model that learned nothing is no candidate.
 */
export function suggestedRow<T extends SuggestableRow>(
  rows: readonly T[],
  learning: Pick<LearningCheck, "verdict"> | null,
): T | null {
  if (learning?.verdict === "did-not-learn") return null;
  return fewestParametersWithinDrop(rows, SUGGESTION_MAX_VALIDATION_DROP);
}

/**
 * The row with the fewest parameters among rows with a model whose validation accuracy is at most
 * `maxValidationDrop` points below their reference (the first such row on a tie); null when none is.
 */
export function fewestParametersWithinDrop<T extends SuggestableRow>(
  rows: readonly T[],
  maxValidationDrop: number,
): T | null {
  const acceptable = rows.filter(
    (row) =>
      row.status === "ok" && row.validationAccuracyDrop !== null && row.validationAccuracyDrop <= maxValidationDrop,
  );
  return acceptable.reduce<T | null>(
    (best, row) => (best === null || row.parameters < best.parameters ? row : best),
    null,
  );
}
