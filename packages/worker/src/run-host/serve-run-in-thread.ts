import { isMainThread, parentPort } from "node:worker_threads";
import type { ToRun } from "./run-host-protocol.js";
import { type RunPipeline, serveRuns } from "./serve-run.js";

/** A run's thread's workerData: the module the thread imported to run its runs. */
export interface RunThreadData {
  /** The URL of the worker's bundle of run-main.ts. */
  readonly pipelineModule: string;
}

/**
 * The thread side of runs: runs `pipeline` on each run the worker sends, one at a time
 * (serveRuns), until the worker ends the thread. Messages the worker sent before the thread
 * listened wait in its port.
 */
export function serveRunsInThisThread(pipeline: RunPipeline): void {
  const port = parentPort;
  if (isMainThread || port === null)
    throw new Error("serveRunsInThisThread runs in a worker thread started by pipelineThreads");
  serveRuns(
    pipeline,
    (message) => port.postMessage(message),
    (receive) => port.on("message", (message: ToRun) => receive(message)),
  );
}
