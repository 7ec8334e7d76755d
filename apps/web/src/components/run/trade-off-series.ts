import { isScheduleRoundRow } from "@deadweight/core/tensor-free";

/** A run's rows as the trade-off chart draws them: the sweep's thresholds, and the schedule's rounds as their own series. */
export interface TradeOffSeriesRows<Row> {
  /** Rows of the threshold sweep (each prunes the base model once). */
  readonly thresholds: Row[];
  /** Rows "round-N" of the iterative schedule, in round order (each prunes the round before it). */
  readonly rounds: Row[];
}

/** Whether a stored row (its sweep id is `rowKey`) is a schedule round "round-N". */
export function isRoundRow(row: { readonly rowKey: string }): boolean {
  return isScheduleRoundRow({ id: row.rowKey });
}

/** Splits stored rows into the sweep's and the schedule rounds' (keys "round-N"), rounds sorted by N so their line follows the schedule. */
export function tradeOffSeriesRows<Row extends { readonly rowKey: string }>(
  rows: readonly Row[],
): TradeOffSeriesRows<Row> {
  return {
    thresholds: rows.filter((row) => !isRoundRow(row)),
    rounds: rows.filter(isRoundRow).sort((a, b) => roundNumber(a.rowKey) - roundNumber(b.rowKey)),
  };
}

/** N of a row key "round-N". */
export function roundNumber(rowKey: string): number {
  return Number(rowKey.slice("round-".length));
}
