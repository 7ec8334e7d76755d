import type { ClaimedRun, RunProgress } from "@deadweight/protocol";
import type { WorkerConnection } from "../api/server-connection.js";
import type { RunSettings } from "../pipeline/run-settings.js";
import type { RunStop } from "../pipeline/run-stop.js";
import type { TransferredRunError } from "./run-error-transfer.js";

/**
 * The messages between a worker and the thread that runs one of its runs' pipeline. The worker
 * keeps the claim (heartbeats, cancel, release, the finish report); the thread loads, trains and
 * reports stages, results and artifacts over its own HTTP client.
 */

/** What a run's thread starts with (its workerData): plain data, copied into the thread. */
export interface RunThreadData {
  /** Where the thread's own HTTP client reaches the platform; the token is never logged. */
  readonly connection: WorkerConnection;
  /** The URL of the module the thread imports to run the pipeline (the worker's bundle of run-thread-main.ts). */
  readonly pipelineModule: string;
  readonly run: ClaimedRun;
  readonly settings: RunSettings;
}

/** The worker to the run's thread: stop, for this reason (the thread's abort signal carries it). */
export type ToRunThread = { readonly type: "stop"; readonly stop: RunStop };

/** The run's thread to the worker. */
export type FromRunThread =
  /** ProgressBoard.set on the worker's board, which the heartbeat carries. */
  | { readonly type: "progress"; readonly progress: RunProgress }
  /** ProgressBoard.resumedAt on the worker's board. */
  | { readonly type: "resumed-at"; readonly epoch: number | undefined }
  | { readonly type: "log"; readonly line: string }
  /** The pipeline's end: completed, or what it threw. The last message of a thread. */
  | { readonly type: "end"; readonly error?: TransferredRunError };
