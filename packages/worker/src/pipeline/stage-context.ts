import type { ClaimedRun, RunAttemptRef } from "@deadweight/protocol";
import type { WorkerApi } from "../api/worker-api.js";
import type { ProgressSink } from "./progress-board.js";
import type { RunSettings } from "./run-settings.js";

/** What every stage of a run's pipeline works with. */
export interface StageContext {
  readonly api: WorkerApi;
  readonly run: ClaimedRun;
  /** Aborted when the run must stop (reason: a RunStop). */
  readonly signal: AbortSignal;
  readonly progress: ProgressSink;
  readonly settings: RunSettings;
  readonly log: (line: string) => void;
}

/** The run and the claim it is held under, as every report names them. */
export function attemptOf(context: StageContext): RunAttemptRef {
  return { runId: context.run.id, attempt: context.run.attempt };
}
