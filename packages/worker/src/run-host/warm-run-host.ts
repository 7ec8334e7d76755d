import type { WorkerConnection } from "../api/server-connection.js";
import type { PipelineExecution, PipelineHost } from "../pipeline/pipeline-host.js";
import type { StageContext } from "../pipeline/stage-context.js";
import { followRun } from "./follow-run.js";
import { runHeapMib } from "./run-heap.js";
import type { RunSide } from "./run-side.js";
import { warmPool } from "./warm-pool.js";

/**
 * How long a run's thread or process waits, warm, for the worker's next run before it ends. A
 * worker with work queued claims its next run at once, so a few seconds catch it; an idle worker
 * keeps nothing (nor the memory a backend grew to) for long.
 */
export const DEFAULT_KEEP_WARM_MS = 10_000;

export interface WarmRunHostOptions {
  /** Where each side's own HTTP client reaches the platform (the worker's server URLs and token). */
  readonly connection: WorkerConnection;
  /** How long a side whose run completed waits for the next run (DEFAULT_KEEP_WARM_MS); 0: a fresh one for every run. */
  readonly keepWarmMs?: number;
  /** Starts a thread or process with this JavaScript heap limit. */
  readonly open: (heapMib: number) => RunSide;
}

/** A side kept between runs, and how many runs it ran. */
interface Kept {
  readonly side: RunSide;
  runs: number;
}

/**
 * Runs each run in a thread or child process (`open`) and keeps one whose run completed warm for
 * the worker's next run (keepWarmMs): the next run skips starting it, loading TensorFlow.js and
 * compiling the pipeline's hot code again (~20% of a small run's time in bench:queue). Only one run
 * at a time ever runs in a side. A side whose run failed, was stopped (cancel, shutdown, lease lost)
 * or died is ended with its attempt, as is every side at `close`.
 */
export function warmRunHost(options: WarmRunHostOptions): PipelineHost {
  const keepWarmMs = options.keepWarmMs ?? DEFAULT_KEEP_WARM_MS;
  const live = new Set<Kept>();
  const warm = warmPool<Kept>({ idleMs: keepWarmMs, retire: (kept) => void kept.side.end() });
  let closed = false;
  const open = (heapMib: number): Kept => {
    const kept: Kept = { side: options.open(heapMib), runs: 0 };
    live.add(kept);
    void kept.side.exit.then(() => {
      live.delete(kept);
      warm.forget(kept);
    });
    return kept;
  };
  return {
    start(context) {
      const heapMib = runHeapMib(context.settings);
      let kept: Kept;
      try {
        let warmOne = warm.take(String(heapMib));
        // One that crashed while it waited, in the turn before its exit, is not given the run.
        while (warmOne?.side.dying === true) {
          void warmOne.side.end();
          warmOne = warm.take(String(heapMib));
        }
        kept = warmOne ?? open(heapMib);
      } catch (error) {
        return { done: Promise.reject(error), dispose: async () => {} };
      }
      if (kept.runs > 0) {
        context.log(`run ${context.run.id}: in a warm ${kept.side.kind} (${kept.runs} run(s) before it)`);
      }
      return runOnSide(context, kept.side, options.connection, async (reusable) => {
        kept.runs++;
        if (reusable && keepWarmMs > 0 && !closed && !kept.side.dying) {
          kept.side.unref();
          warm.keep(kept, String(heapMib));
        } else {
          await kept.side.end();
        }
      });
    },
    async close() {
      closed = true;
      warm.drain();
      await Promise.all([...live].map((kept) => kept.side.end()));
    },
  };
}

/**
 * Sends one run to `side` and follows it; `release` gets the side back once the attempt no longer
 * waits for the run, saying whether the side may serve another run: its run completed (neither
 * failed, nor stopped, nor died) and nothing an earlier run left behind threw during it.
 */
function runOnSide(
  context: StageContext,
  side: RunSide,
  connection: WorkerConnection,
  release: (reusable: boolean) => Promise<void>,
): PipelineExecution {
  let owned = true;
  let completed = false;
  side.beginRun();
  side.ref();
  // The run first: a stop that already came goes right after it (a side drops a stop with no run).
  side.send({ type: "start", data: { connection, run: context.run, settings: context.settings } });
  const run = followRun(context, side.kind, (stop) => {
    if (owned) side.send({ type: "stop", stop });
  });
  let died = false;
  let leftoverThrew = false;
  side.listener = {
    onMessage: (message) => {
      if (message.type === "end") completed = message.error === undefined;
      if (message.type === "leftover-error") {
        leftoverThrew = true;
        context.log(
          `run ${context.run.id}: something run ${message.runId} left behind threw in this ${side.kind} after that run ended (${message.message}); this run goes on, and the ${side.kind} ends after it`,
        );
      }
      run.onMessage(message);
    },
    died: (reason) => {
      died = true;
      run.died(reason);
    },
  };
  return {
    done: run.done,
    dispose: async () => {
      if (!owned) return;
      owned = false;
      side.listener = null;
      await release(completed && !died && !leftoverThrew && !context.signal.aborted);
    },
  };
}
