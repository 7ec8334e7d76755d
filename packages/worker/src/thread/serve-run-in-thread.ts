import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { createHttpWorkerApi } from "../api/http-worker-api.js";
import type { ProgressSink } from "../pipeline/progress-board.js";
import type { StageContext } from "../pipeline/stage-context.js";
import { transferRunError } from "./run-error-transfer.js";
import type { FromRunThread, RunThreadData, ToRunThread } from "./run-thread-protocol.js";

/**
 * The thread side of a run: runs `pipeline` on the run in workerData with an HTTP client of its
 * own, sends progress and log lines to the worker as it goes, stops when the worker says so, and
 * ends with one "end" message. `pipeline` is runPipeline, or a scripted one in tests.
 */
export async function serveRunInThisThread(pipeline: (context: StageContext) => Promise<void>): Promise<void> {
  const port = parentPort;
  if (isMainThread || port === null)
    throw new Error("serveRunInThisThread runs in a worker thread started by pipelineThreads");
  const data = workerData as RunThreadData;
  const send = (message: FromRunThread) => port.postMessage(message);
  const controller = new AbortController();
  port.on("message", (message: ToRunThread) => {
    if (message.type === "stop" && !controller.signal.aborted) controller.abort(message.stop);
  });
  const log = (line: string) => send({ type: "log", line });
  const progress: ProgressSink = {
    set: (next) => send({ type: "progress", progress: next }),
    resumedAt: (epoch) => send({ type: "resumed-at", epoch }),
  };
  let end: FromRunThread;
  try {
    await pipeline({
      api: createHttpWorkerApi(data.connection, { log }),
      run: data.run,
      signal: controller.signal,
      progress,
      settings: data.settings,
      log,
    });
    end = { type: "end" };
  } catch (error) {
    end = { type: "end", error: transferRunError(error) };
  }
  send(end);
  // Nothing more will come from the worker: the thread may end once its last sockets close.
  port.close();
}
