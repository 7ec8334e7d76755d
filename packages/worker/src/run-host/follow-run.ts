import type { RunStage } from "@deadweight/protocol";
import type { RunStop } from "../pipeline/run-stop.js";
import type { StageContext } from "../pipeline/stage-context.js";
import { StageFailure } from "../pipeline/stage-failure.js";
import { rebuildRunError } from "./run-error-transfer.js";
import type { FromRun } from "./run-host-protocol.js";

/** The worker's side of one run's messages, whichever host (thread or process) carries them. */
export interface FollowedRun {
  /** Settles as the pipeline does: resolves when it completed, rejects with what it threw or why its side died. */
  readonly done: Promise<void>;
  /** Applies one message of the run's side: progress to the worker's board, log lines to its log, the end. */
  readonly onMessage: (message: FromRun) => void;
  /** The run's side ended before its run did, for this reason ("ended (exit code 3) before the run did"). */
  readonly died: (reason: string) => void;
}

/**
 * Follows a run in a thread or process of its own; `side` names it in the attempt's error
 * ("thread", "process"). `stop` passes the attempt's stop (cancel, shutdown, lease lost) to the
 * run's side, once when it comes (at once if it already came), until the run is done.
 */
export function followRun(
  context: StageContext,
  side: "thread" | "process",
  stop: (reason: RunStop) => void,
): FollowedRun {
  let ended = false;
  let lastStage: RunStage | undefined;
  let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  const settled = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const end = (error?: unknown) => {
    if (ended) return;
    ended = true;
    if (error === undefined) settle?.resolve();
    else settle?.reject(error);
  };
  const onStop = () => stop(context.signal.reason);
  context.signal.addEventListener("abort", onStop, { once: true });
  if (context.signal.aborted) onStop();
  return {
    done: settled.finally(() => context.signal.removeEventListener("abort", onStop)),
    onMessage: (message) => {
      if (ended) return;
      if (message.type === "progress") {
        lastStage = message.progress.stage;
        context.progress.set(message.progress);
      } else if (message.type === "resumed-at") {
        context.progress.resumedAt(message.epoch);
      } else if (message.type === "log") {
        context.log(message.line);
      } else if (message.type === "end") {
        end(message.error === undefined ? undefined : rebuildRunError(message.error));
      }
    },
    died: (reason) => {
      const error = new Error(`the run's ${side} ${reason}`);
      // Said with the stage it was in, as a failure inside the pipeline is.
      end(lastStage === undefined ? error : new StageFailure(lastStage, error));
    },
  };
}
