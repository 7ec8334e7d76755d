import type { SweepRow } from "../sweep/sweep-row.js";
import type { DeploymentSettings } from "./deployment-settings.js";

/**
 * The rows recovery fine-tunes: none when recoveryEpochs is 0 or nothing was measured; with
 * recover "pareto" every measured row; with "answer" the row the budget answered with, else the
 * suggested row (none when there is neither).
 */
export function rowsToRecover(input: {
  readonly settings: Pick<DeploymentSettings, "recoveryEpochs" | "recover">;
  /** The rows measured as one-shot bundles (rowsToMeasure). */
  readonly measured: readonly SweepRow[];
  /** The row of the budget's one-shot answer; null without a budget. */
  readonly answered: SweepRow | null;
  readonly suggested: SweepRow | null;
}): SweepRow[] {
  const { settings, measured } = input;
  if (settings.recoveryEpochs <= 0 || measured.length === 0) return [];
  if (settings.recover === "pareto") return [...measured];
  const row = input.answered ?? input.suggested;
  return row === null ? [] : [row];
}
