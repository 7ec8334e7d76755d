import { AsyncLocalStorage } from "node:async_hooks";
import { createHttpWorkerApi } from "../api/http-worker-api.js";
import type { ProgressSink } from "../pipeline/progress-board.js";
import type { StageContext } from "../pipeline/stage-context.js";
import { transferRunError } from "./run-error-transfer.js";
import type { FromRun, RunStartData, ToRun } from "./run-host-protocol.js";

/** A run's pipeline: runPipeline, or a scripted one in tests. */
export type RunPipeline = (context: StageContext) => Promise<void>;

/** What the side knows of the runs it served, for its handler of errors nothing caught. */
export interface ServedRuns {
  /**
   * The id of the run that an error nothing caught was thrown by, when that run has ended and
   * another runs now: something it left behind (a timer, a promise) threw in the next run's time.
   * Read in the handler (the error's own asynchronous context); undefined for the current run's own
   * errors, and while no run runs.
   */
  leftoverOf(): string | undefined;
}

/** The run a callback was created under (AsyncLocalStorage follows timers and promises), and whether it has ended. */
interface RunScope {
  readonly runId: string;
  ended: boolean;
}

/**
 * The run's side of a thread or process: runs `pipeline` on each run the worker sends ("start"),
 * one at a time, stops the current one when the worker says so, and ends each with one "end"
 * message. Between runs it waits, its backend loaded and its code compiled, for the next. A stop
 * that finds no run (it crossed the last run's "end") is dropped. Each run executes in a scope of
 * its own, so an error thrown later by what an ended run left behind is told from the current run's.
 */
export function serveRuns(
  pipeline: RunPipeline,
  send: (message: FromRun) => void,
  listen: (receive: (message: ToRun) => void) => void,
): ServedRuns {
  const scopes = new AsyncLocalStorage<RunScope>();
  let current: AbortController | null = null;
  listen((message) => {
    if (message.type === "stop") {
      if (current !== null && !current.signal.aborted) current.abort(message.stop);
      return;
    }
    if (current !== null) throw new Error("the worker sent a run to a thread or process that is running one");
    const controller = new AbortController();
    current = controller;
    const scope: RunScope = { runId: message.data.run.id, ended: false };
    void scopes
      .run(scope, () => serveRun(pipeline, message.data, controller.signal, send))
      .then((end) => {
        scope.ended = true;
        current = null;
        send(end);
      });
  });
  return {
    leftoverOf() {
      const scope = scopes.getStore();
      return scope?.ended === true && current !== null ? scope.runId : undefined;
    },
  };
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
