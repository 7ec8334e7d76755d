import { isMainThread, parentPort, workerData } from "node:worker_threads";
import type { RunStartData, ToRun } from "./run-host-protocol.js";
import { type RunPipeline, serveRun } from "./serve-run.js";

/** A run's thread's workerData: the run, and the module the thread imported to run it. */
export interface RunThreadData extends RunStartData {
  /** The URL of the worker's bundle of run-main.ts. */
  readonly pipelineModule: string;
}

/**
 * The thread side of a run: runs `pipeline` on the run in workerData, stops when the worker says
 * so, and ends with one "end" message.
 */
export async function serveRunInThisThread(pipeline: RunPipeline): Promise<void> {
  const port = parentPort;
  if (isMainThread || port === null)
    throw new Error("serveRunInThisThread runs in a worker thread started by pipelineThreads");
  const controller = new AbortController();
  port.on("message", (message: ToRun) => {
    if (message.type === "stop" && !controller.signal.aborted) controller.abort(message.stop);
  });
  const end = await serveRun(pipeline, workerData as RunThreadData, controller.signal, (message) =>
    port.postMessage(message),
  );
  port.postMessage(end);
  // Nothing more will come from the worker: the thread may end once its last sockets close.
  port.close();
}
