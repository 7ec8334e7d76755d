import { isScheduleRoundRow } from "@deadweight/core/tensor-free";

/** A run's rows as the trade-off chart draws them: the sweep's thresholds, and the schedule's rounds as their own series. */
export interface TradeOffSeriesRows<Row> {
  /** Rows of the threshold sweep (each prunes the base model once). */
  readonly thresholds: Row[];
  /** Rows "round-N" of the iterative schedule, in round order (each prunes the round before it). */
  readonly rounds: Row[];
}

/** Splits rows into the sweep's and the schedule rounds' (ids "round-N"), rounds sorted by N so their line follows the schedule. */
export function tradeOffSeriesRows<Row extends { readonly id: string }>(rows: readonly Row[]): TradeOffSeriesRows<Row> {
  const rounds = rows.filter((row) => isScheduleRoundRow(row));
  return {
    thresholds: rows.filter((row) => !isScheduleRoundRow(row)),
    rounds: rounds.sort((a, b) => roundNumber(a.id) - roundNumber(b.id)),
  };
}

/** N of a row id "round-N". */
export function roundNumber(rowId: string): number {
  return Number(rowId.slice("round-".length));
}
