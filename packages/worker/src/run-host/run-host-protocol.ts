import type { ClaimedRun, RunProgress } from "@deadweight/protocol";
import type { WorkerConnection } from "../api/server-connection.js";
import type { RunSettings } from "../pipeline/run-settings.js";
import type { RunStop } from "../pipeline/run-stop.js";
import type { TransferredRunError } from "./run-error-transfer.js";

/**
 * The messages between a worker and a thread or child process that runs its runs' pipelines, one
 * run at a time (a MessagePort, or Node's IPC channel: both structured clone). The worker keeps the
 * claim (heartbeats, cancel, release, the finish report); the run's side loads, trains and reports
 * stages, results and artifacts over its own HTTP client, then waits for the next run.
 */

/** The run a thread or process is to run next: plain data, in a "start" message. */
export interface RunStartData {
  /** Where the run's own HTTP client reaches the platform; the token is never logged. */
  readonly connection: WorkerConnection;
  readonly run: ClaimedRun;
  readonly settings: RunSettings;
}

/** The worker to the run's side: a run, then perhaps stop, for this reason (its abort signal carries it); then the next run. */
export type ToRun =
  | { readonly type: "start"; readonly data: RunStartData }
  | { readonly type: "stop"; readonly stop: RunStop };

/** The run's side to the worker. */
export type FromRun =
  /** A process listening: the worker may send the run (a message sent before would be lost). */
  | { readonly type: "ready" }
  /** ProgressBoard.set on the worker's board, which the heartbeat carries. */
  | { readonly type: "progress"; readonly progress: RunProgress }
  /** ProgressBoard.resumedAt on the worker's board. */
  | { readonly type: "resumed-at"; readonly epoch: number | undefined }
  | { readonly type: "log"; readonly line: string }
  /** An error nothing caught in a process (outside the pipeline's own promise): it exits after sending it. */
  | { readonly type: "crashed"; readonly message: string }
  /**
   * An error nothing caught in a process, thrown by what an ended run (`runId`) left behind while
   * the current run runs: the current run goes on; the process is not kept for another run.
   */
  | { readonly type: "leftover-error"; readonly runId: string; readonly message: string }
  /** The pipeline's end: completed, or what it threw. The last message of a run. */
  | { readonly type: "end"; readonly error?: TransferredRunError };
