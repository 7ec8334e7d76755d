import { DeadweightError } from "../errors.js";
import type { SweepRow } from "./sweep-row.js";

/**
 * Drops are stored as 100 * (base - pruned) in floating point: a drop a person reads as 0.5 can be
 * 0.5000000000000004, and a limit of 0.5 points must still admit it.
 */
const DROP_TOLERANCE_POINTS = 1e-9;

/** How "smallest" is measured: bytes (what a device holds) or parameters (what the network computes with). */
export type SizeAxis = "bytes" | "parameters";

export const SIZE_AXES: readonly SizeAxis[] = ["bytes", "parameters"];

/** What the rule reads of a row; an id (when rows have one) settles the last ties. */
export type WithinDropRow = Pick<SweepRow, "status" | "bytes" | "parameters" | "validationAccuracyDrop"> & {
  readonly validationAccuracy?: number | null;
  readonly id?: string;
};

export interface WithinDropOptions {
  /** The most validation accuracy a row may lose against its base model, in percentage points. */
  readonly maxDropPoints: number;
  /** Which size to minimise. */
  readonly sizeAxis: SizeAxis;
  /**
   * Leave room for the noise of a finite validation set: a row counts as within the drop only if its
   * drop plus `standardErrors` standard errors of that drop is (see validationDropStandardError).
   * Without it, a row measured exactly at the limit is taken, and on new data it loses more about
   * half the time. Rows then need their validationAccuracy.
   */
  readonly noiseMargin?: ValidationNoiseMargin;
}

export interface ValidationNoiseMargin {
  /** How many samples the validation accuracies were measured on. */
  readonly validationSamples: number;
  /** The base model's validation accuracy (a fraction). */
  readonly baseValidationAccuracy: number;
  /** How many standard errors to leave (1: the row's true drop is within the limit with ~84% confidence). */
  readonly standardErrors: number;
}

/**
 * An upper bound, in percentage points, on the standard error of a validation-accuracy drop measured
 * on `samples` samples. Both models answer the same samples, so the drop is the mean of per-sample
 * differences of being right (+1, 0 or -1), whose variance is P(exactly one is right) - drop², and
 * P(exactly one is right) is at most the sum of the two error rates: sqrt((base errors + row errors) / n).
 * It needs only the two accuracies; with each sample's predictions it would be tighter.
 */
export function validationDropStandardError(
  baseValidationAccuracy: number,
  rowValidationAccuracy: number,
  samples: number,
): number {
  const errors = 1 - baseValidationAccuracy + (1 - rowValidationAccuracy);
  return 100 * Math.sqrt(Math.max(0, errors) / samples);
}

/** What a set of rows offered within a validation-accuracy drop: its smallest such row, or why there is none. */
export type RowWithinDrop<T> =
  | { readonly kind: "within-drop"; readonly row: T }
  /** Every measured row lost more; the least any lost, so a reader sees how far off the rows were. */
  | { readonly kind: "none-within-drop"; readonly smallestDropPoints: number }
  /** No row with a model and a measured validation accuracy (every threshold emptied a layer). */
  | { readonly kind: "no-measured-rows" };

/**
 * The smallest row on `sizeAxis` whose validation accuracy is at most `maxDropPoints` below its base
 * model. Chosen on validation only, like the sweep's frontier, so the row's test accuracy stays an
 * honest estimate. Ties: smaller on the other axis, then higher validation accuracy, then id (then
 * the given order, for rows without ids), so with ids the answer never depends on row order.
 * Throws INVALID_OPTION for a limit that is not a finite number or an unknown axis.
 */
export function smallestRowWithinDrop<T extends WithinDropRow>(
  rows: readonly T[],
  options: WithinDropOptions,
): RowWithinDrop<T> {
  const { maxDropPoints, sizeAxis, noiseMargin } = options;
  if (!Number.isFinite(maxDropPoints)) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `maxDropPoints must be a finite number of percentage points, got ${maxDropPoints}`,
    );
  }
  if (noiseMargin !== undefined) checkNoiseMargin(noiseMargin);
  if (!SIZE_AXES.includes(sizeAxis)) {
    throw new DeadweightError("INVALID_OPTION", `sizeAxis must be one of ${SIZE_AXES.join(", ")}, got ${sizeAxis}`);
  }
  const otherAxis: SizeAxis = sizeAxis === "bytes" ? "parameters" : "bytes";
  const measured = rows.filter(
    (row): row is T & { validationAccuracyDrop: number } => row.status === "ok" && row.validationAccuracyDrop !== null,
  );
  if (measured.length === 0) return { kind: "no-measured-rows" };
  const marginOf = (row: T & { validationAccuracyDrop: number }): number => {
    if (noiseMargin === undefined) return 0;
    // Without its accuracy a row's noise is unknown: it cannot be shown to be within the drop.
    if (row.validationAccuracy === undefined || row.validationAccuracy === null) return Number.POSITIVE_INFINITY;
    return (
      noiseMargin.standardErrors *
      validationDropStandardError(
        noiseMargin.baseValidationAccuracy,
        row.validationAccuracy,
        noiseMargin.validationSamples,
      )
    );
  };
  const within = measured.filter(
    (row) => row.validationAccuracyDrop + marginOf(row) <= maxDropPoints + DROP_TOLERANCE_POINTS,
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
  // Array.prototype.sort is stable: rows equal on every key keep the given order.
  const [smallest] = [...within].sort(
    (a, b) =>
      a[sizeAxis] - b[sizeAxis] ||
      a[otherAxis] - b[otherAxis] ||
      (b.validationAccuracy ?? Number.NEGATIVE_INFINITY) - (a.validationAccuracy ?? Number.NEGATIVE_INFINITY) ||
      compareIds(a.id, b.id),
  );
  return { kind: "within-drop", row: smallest as T };
}

function checkNoiseMargin(margin: ValidationNoiseMargin): void {
  const { validationSamples, baseValidationAccuracy, standardErrors } = margin;
  if (!(Number.isInteger(validationSamples) && validationSamples > 0)) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `noiseMargin.validationSamples must be a whole number of samples above 0, got ${validationSamples}`,
    );
  }
  if (!(baseValidationAccuracy >= 0 && baseValidationAccuracy <= 1)) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `noiseMargin.baseValidationAccuracy must be a fraction between 0 and 1, got ${baseValidationAccuracy}`,
    );
  }
  if (!(Number.isFinite(standardErrors) && standardErrors >= 0)) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `noiseMargin.standardErrors must be a number of standard errors, 0 or more, got ${standardErrors}`,
    );
  }
}

function compareIds(a: string | undefined, b: string | undefined): number {
  if (a === undefined || b === undefined) return 0;
  return a < b ? -1 : a > b ? 1 : 0;
}
