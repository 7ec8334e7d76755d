import { createHttpWorkerApi } from "../api/http-worker-api.js";
import type { ProgressSink } from "../pipeline/progress-board.js";
import type { StageContext } from "../pipeline/stage-context.js";
import { transferRunError } from "./run-error-transfer.js";
import type { FromRun, RunStartData } from "./run-host-protocol.js";

/** A run's pipeline: runPipeline, or a scripted one in tests. */
export type RunPipeline = (context: StageContext) => Promise<void>;

/**
 * The run's side of a run, in its thread or process: runs `pipeline` on `data` with an HTTP client
 * of its own, sends progress and log lines to the worker as it goes, and returns the "end" message
 * (completed, or what it threw) for the caller to send last.
 */
export async function serveRun(
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
