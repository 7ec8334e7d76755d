import type { SweepRow } from "../sweep/sweep-row.js";
import type { DeploymentSettings } from "./deployment-settings.js";

/**
 * Pareto rows measured as bundles at most: each costs an encode, a reload and two evaluations per
 * dtype, and a fine threshold grid can put a hundred rows on the frontier. Past this, rows evenly
 * spread over the frontier's sizes are measured (the suggested row always is).
 */
export const MAX_MEASURED_CANDIDATES = 12;

/**
 * The rows a deployment measures as bundles, smallest first. Without a budget, and when neither
 * recovery nor export asks for the Pareto rows, nothing is chosen among rows: only the suggested row
 * (none when there is no suggestion). Otherwise the Pareto rows and the suggested row (measuredCandidates).
 */
export function rowsToMeasure(
  rows: readonly SweepRow[],
  suggested: SweepRow | null,
  settings: Pick<DeploymentSettings, "budget" | "recover" | "bundles">,
): SweepRow[] {
  const onlySuggestion = settings.budget == null && settings.bundles === "answer" && settings.recover === "answer";
  if (onlySuggestion) return suggested === null ? [] : [suggested];
  return measuredCandidates(rows, suggested);
}

/** The Pareto rows (and the suggested row) that have a model, thinned evenly by size to MAX_MEASURED_CANDIDATES. */
export function measuredCandidates(rows: readonly SweepRow[], suggested: SweepRow | null): SweepRow[] {
  const frontier = rows
    .filter((row) => row.status === "ok" && (row.pareto || row === suggested))
    .sort((a, b) => a.parameters - b.parameters);
  if (frontier.length <= MAX_MEASURED_CANDIDATES) return frontier;
  const step = (frontier.length - 1) / (MAX_MEASURED_CANDIDATES - 1);
  const picked = new Set(Array.from({ length: MAX_MEASURED_CANDIDATES }, (_, i) => frontier[Math.round(i * step)]!));
  if (suggested !== null) picked.add(suggested);
  return frontier.filter((row) => picked.has(row));
}
