import { DeadweightError } from "../errors.js";
import type { SeedSpreadRow } from "./seed-spread.js";

/**
 * Drops are stored as 100 * (base - pruned) in floating point: a drop a person reads as 0.5 can be
 * 0.5000000000000004, and a limit of 0.5 points must still admit it.
 */
const DROP_TOLERANCE_POINTS = 1e-9;

/**
 * Whether a row holds on every seed: measured in every run aggregated and no seed's validation drop
 * above `maxWorstSeedDropPoints` (chosen on validation, so test stays an honest estimate). A row
 * missing from some seed does not qualify: its worst seed is unknown.
 */
export function withinWorstSeedDrop(row: SeedSpreadRow, maxWorstSeedDropPoints: number): boolean {
  assertLimit(maxWorstSeedDropPoints);
  return row.complete && row.validationAccuracyDrop.max <= maxWorstSeedDropPoints + DROP_TOLERANCE_POINTS;
}

/**
 * Of the rows that hold on every seed within `maxWorstSeedDropPoints`, the smallest (fewest mean
 * bytes; ties: fewer mean parameters, then smaller worst-seed drop, then row key); null when none does.
 */
export function smallestRowWithinWorstSeedDrop<T extends SeedSpreadRow>(
  rows: readonly T[],
  maxWorstSeedDropPoints: number,
): T | null {
  assertLimit(maxWorstSeedDropPoints);
  const [smallest] = rows
    .filter((row) => withinWorstSeedDrop(row, maxWorstSeedDropPoints))
    .sort(
      (a, b) =>
        a.bytes.mean - b.bytes.mean ||
        a.parameters.mean - b.parameters.mean ||
        a.validationAccuracyDrop.max - b.validationAccuracyDrop.max ||
        (a.rowKey < b.rowKey ? -1 : a.rowKey > b.rowKey ? 1 : 0),
    );
  return smallest ?? null;
}

function assertLimit(maxWorstSeedDropPoints: number): void {
  if (!Number.isFinite(maxWorstSeedDropPoints)) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `maxWorstSeedDropPoints must be a finite number of percentage points, got ${maxWorstSeedDropPoints}`,
    );
  }
}
