import type { SweepRow } from "./sweep-row.js";

/** The largest accuracy drop, in validation points, the suggestion tolerates. */
export const SUGGESTION_MAX_VALIDATION_DROP = 0.5;

type SuggestableRow = Pick<SweepRow, "status" | "validationAccuracyDrop" | "parameters">;

/**
 * The row a person would look at first: the fewest parameters among rows whose validation accuracy
 * is at most 0.5 points below the base model's. Chosen on validation data only; null when none is.
 */
export function suggestedRow<T extends SuggestableRow>(rows: readonly T[]): T | null {
  const acceptable = rows.filter(
    (row) =>
      row.status === "ok" &&
      row.validationAccuracyDrop !== null &&
      row.validationAccuracyDrop <= SUGGESTION_MAX_VALIDATION_DROP,
  );
  return acceptable.reduce<T | null>(
    (best, row) => (best === null || row.parameters < best.parameters ? row : best),
    null,
  );
}
