import type { DbOrTransaction } from "../../audit/record-audit.js";

/** How one claim of a run ended. "lease-expired": the worker stopped heartbeating (killed, machine gone). */
export const RUN_ATTEMPT_OUTCOMES = ["succeeded", "failed", "canceled", "released", "lease-expired"] as const;
export type RunAttemptOutcome = (typeof RUN_ATTEMPT_OUTCOMES)[number];

/** One claim of a run, as run.get shows it (newest last). */
export interface RunAttemptView {
  readonly attempt: number;
  readonly worker: string;
  readonly startedAt: Date;
  /** Null while the attempt is still going. */
  readonly endedAt: Date | null;
  readonly outcome: RunAttemptOutcome | null;
  readonly error: string | null;
  /** The epoch its training went on from, when it resumed from an earlier attempt's checkpoint; else null. */
  readonly resumedAtEpoch: number | null;
}

export const runAttemptSelect = {
  attempt: true,
  worker: true,
  startedAt: true,
  endedAt: true,
  outcome: true,
  error: true,
  resumedAtEpoch: true,
} as const;

/** The outcome column is a string in SQLite; only this module's writers put values in it. */
export function toRunAttemptView(row: Omit<RunAttemptView, "outcome"> & { outcome: string | null }): RunAttemptView {
  return row as RunAttemptView;
}

/**
 * Records on the claim's history row that its training resumed at `epoch` from a checkpoint (the
 * first report that says so; the attempt's later reports repeat it and change nothing).
 */
export async function recordResumedAtEpoch(
  tx: DbOrTransaction,
  runId: string,
  attempt: number,
  epoch: number,
): Promise<void> {
  await tx.runAttempt.updateMany({ where: { runId, attempt, resumedAtEpoch: null }, data: { resumedAtEpoch: epoch } });
}

/** Closes the history row of a claim if it is still open; a row already closed keeps its first outcome. */
export async function closeAttempt(
  tx: DbOrTransaction,
  runId: string,
  attempt: number,
  ending: { readonly outcome: RunAttemptOutcome; readonly error?: string | null; readonly at: Date },
): Promise<void> {
  await tx.runAttempt.updateMany({
    where: { runId, attempt, endedAt: null },
    data: { endedAt: ending.at, outcome: ending.outcome, error: ending.error ?? null },
  });
}
