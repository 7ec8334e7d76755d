import { DeadweightError } from "../errors.js";
import type { SweepRow } from "./sweep-row.js";

/**
 * Drops are stored as 100 * (base - pruned) in floating point: a drop a person reads as 0.5 can be
 * 0.5000000000000004, and a limit of 0.5 points must still admit it.
 */
const DROP_TOLERANCE_POINTS = 1e-9;

export type WithinDropRow = Pick<
  SweepRow,
  "status" | "bytes" | "parameters" | "validationAccuracy" | "validationAccuracyDrop"
> & { readonly id: string };

/** What one run offered within a validation-accuracy drop: its smallest such row, or why there is none. */
export type RowWithinDrop<T> =
  | { readonly kind: "within-drop"; readonly row: T }
  /** Every measured row lost more; the least any lost, so a reader sees how far off the run was. */
  | { readonly kind: "none-within-drop"; readonly smallestDropPoints: number }
  /** No row with a model and a measured validation accuracy (every threshold emptied a layer). */
  | { readonly kind: "no-measured-rows" };

/**
 * The smallest row (fewest bytes: what a device holds) whose validation accuracy is at most
 * `maxValidationDropPoints` below its run's base model. Chosen on validation only, like the sweep's
 * suggestion and frontier, so the row's test accuracy stays an honest estimate. Ties: fewer
 * parameters, then higher validation accuracy, then id, so the answer never depends on row order.
 * Throws INVALID_OPTION for a limit that is not a finite number.
 */
export function smallestRowWithinDrop<T extends WithinDropRow>(
  rows: readonly T[],
  maxValidationDropPoints: number,
): RowWithinDrop<T> {
  if (!Number.isFinite(maxValidationDropPoints)) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `maxValidationDropPoints must be a finite number of percentage points, got ${maxValidationDropPoints}`,
    );
  }
  const measured = rows.filter(
    (row): row is T & { validationAccuracyDrop: number } => row.status === "ok" && row.validationAccuracyDrop !== null,
  );
  if (measured.length === 0) return { kind: "no-measured-rows" };
  const within = measured.filter(
    (row) => row.validationAccuracyDrop <= maxValidationDropPoints + DROP_TOLERANCE_POINTS,
  );
  if (within.length === 0) {
    return {
      kind: "none-within-drop",
      smallestDropPoints: measured.reduce(
        (least, row) => Math.min(least, row.validationAccuracyDrop),
        Number.POSITIVE_INFINITY,
      ),
    };
  }
  const [smallest] = [...within].sort(
    (a, b) =>
      a.bytes - b.bytes ||
      a.parameters - b.parameters ||
      (b.validationAccuracy ?? Number.NEGATIVE_INFINITY) - (a.validationAccuracy ?? Number.NEGATIVE_INFINITY) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return { kind: "within-drop", row: smallest as T };
}
