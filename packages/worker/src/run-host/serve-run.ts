import { createHttpWorkerApi } from "../api/http-worker-api.js";
import type { ProgressSink } from "../pipeline/progress-board.js";
import type { StageContext } from "../pipeline/stage-context.js";
import { transferRunError } from "./run-error-transfer.js";
import type { FromRun, RunStartData, ToRun } from "./run-host-protocol.js";

/** A run's pipeline: runPipeline, or a scripted one in tests. */
export type RunPipeline = (context: StageContext) => Promise<void>;

/**
 * The run's side of a thread or process: runs `pipeline` on each run the worker sends ("start"),
 * one at a time, stops the current one when the worker says so, and ends each with one "end"
 * message. Between runs it waits, its backend loaded and its code compiled, for the next. A stop
 * that finds no run (it crossed the last run's "end") is dropped.
 */
export function serveRuns(
  pipeline: RunPipeline,
  send: (message: FromRun) => void,
  listen: (receive: (message: ToRun) => void) => void,
): void {
  let current: AbortController | null = null;
  listen((message) => {
    if (message.type === "stop") {
      if (current !== null && !current.signal.aborted) current.abort(message.stop);
      return;
    }
    if (current !== null) throw new Error("the worker sent a run to a thread or process that is running one");
    const controller = new AbortController();
    current = controller;
    void serveRun(pipeline, message.data, controller.signal, send).then((end) => {
      current = null;
      send(end);
    });
  });
}

/**
 * One run: runs `pipeline` on `data` with an HTTP client of its own, sends progress and log lines
 * to the worker as it goes, and returns the "end" message (completed, or what it threw).
 */
async function serveRun(
  pipeline: RunPipeline,
  data: RunStartData,
  signal: AbortSignal,
  send: (message: FromRun) => void,
): Promise<FromRun> {
  const log = (line: string) => send({ type: "log", line });
  const progress: ProgressSink = {
    set: (next) => send({ type: "progress", progress: next }),
    resumedAt: (epoch) => send({ type: "resumed-at", epoch }),
  };
  try {
    await pipeline({
      api: createHttpWorkerApi(data.connection, { log }),
      run: data.run,
      signal,
      progress,
      settings: data.settings,
      log,
    });
    return { type: "end" };
  } catch (error) {
    return { type: "end", error: transferRunError(error) };
  }
}
