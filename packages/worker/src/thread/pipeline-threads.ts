import { Worker, type WorkerOptions } from "node:worker_threads";
import type { RunStage } from "@deadweight/protocol";
import type { WorkerConnection } from "../api/server-connection.js";
import type { PipelineExecution, PipelineHost } from "../pipeline/pipeline-host.js";
import type { StageContext } from "../pipeline/stage-context.js";
import { StageFailure } from "../pipeline/stage-failure.js";
import { rebuildRunError } from "./run-error-transfer.js";
import type { FromRunThread, RunThreadData, ToRunThread } from "./run-thread-protocol.js";

const RUN_THREAD_ENTRY = new URL("./run-thread-entry.mjs", import.meta.url);
const MEBIBYTE = 2 ** 20;
/**
 * The smallest JavaScript heap a run's thread gets, whatever its memory share: loading
 * TensorFlow.js and the pipeline alone takes tens of MiB, and a share this small fails the run's estimate anyway.
 */
const MIN_THREAD_HEAP_MIB = 256;

export interface PipelineThreadsOptions {
  /** Where each thread's own HTTP client reaches the platform (the worker's server URLs and token). */
  readonly connection: WorkerConnection;
  /** The pipeline each thread imports: the worker's bundle of run-thread-main.ts (bundleRunThread). */
  readonly pipelineModule: URL;
  /** Starts a thread; default `new Worker(entry, options)`. Tests count the threads, or start a scripted entry. */
  readonly startThread?: (entry: URL, options: WorkerOptions) => Worker;
}

/**
 * Runs each run's pipeline in a worker thread of its own, with its own TensorFlow.js backend, so a
 * worker with --concurrency N trains on N cores and its heartbeats never wait for a long computation.
 * A thread that crashes (an uncaught error, process.exit, running out of its heap) fails that
 * attempt with the reason; the worker goes on. A thread is terminated when its attempt ends.
 */
export function pipelineThreads(options: PipelineThreadsOptions): PipelineHost {
  const startThread = options.startThread ?? ((entry, threadOptions) => new Worker(entry, threadOptions));
  return (context) => runInThread(context, options, startThread);
}

function runInThread(
  context: StageContext,
  options: PipelineThreadsOptions,
  startThread: NonNullable<PipelineThreadsOptions["startThread"]>,
): PipelineExecution {
  const data: RunThreadData = {
    connection: options.connection,
    pipelineModule: options.pipelineModule.href,
    run: context.run,
    settings: context.settings,
  };
  let thread: Worker;
  try {
    thread = startThread(RUN_THREAD_ENTRY, {
      workerData: data,
      // The wasm heap and the datasets' typed arrays live outside V8's old generation: this bounds the
      // JavaScript objects only, by the run's whole share, so a runaway heap fails this run, not the worker.
      resourceLimits: {
        maxOldGenerationSizeMb: Math.max(MIN_THREAD_HEAP_MIB, Math.floor(context.settings.maxMemoryBytes / MEBIBYTE)),
      },
    });
  } catch (error) {
    return { done: Promise.reject(error), dispose: async () => {} };
  }
  let exited = false;
  let lastStage: RunStage | undefined;
  const exit = new Promise<number>((resolve) =>
    thread.once("exit", (code) => {
      exited = true;
      resolve(code);
    }),
  );
  const onStop = () => {
    if (!exited) thread.postMessage({ type: "stop", stop: context.signal.reason } satisfies ToRunThread);
  };
  const done = new Promise<void>((resolve, reject) => {
    let ended = false;
    const crash = (reason: string) => {
      if (ended) return;
      ended = true;
      const error = new Error(`the run's thread ${reason}`);
      // Said with the stage it was in, as a failure inside the pipeline is.
      reject(lastStage === undefined ? error : new StageFailure(lastStage, error));
    };
    thread.on("message", (message: FromRunThread) => {
      if (ended) return;
      if (message.type === "progress") {
        lastStage = message.progress.stage;
        context.progress.set(message.progress);
      } else if (message.type === "resumed-at") {
        context.progress.resumedAt(message.epoch);
      } else if (message.type === "log") {
        context.log(message.line);
      } else if (message.type === "end") {
        ended = true;
        if (message.error === undefined) resolve();
        else reject(rebuildRunError(message.error));
      }
    });
    // An uncaught error in the thread, or its heap limit reached (ERR_WORKER_OUT_OF_MEMORY); 'exit' follows.
    thread.once("error", (error) => crash(`crashed: ${error.message}`));
    void exit.then((code) => crash(`ended (exit code ${code}) before the run did`));
  }).finally(() => context.signal.removeEventListener("abort", onStop));
  context.signal.addEventListener("abort", onStop, { once: true });
  if (context.signal.aborted) onStop();
  return {
    done,
    dispose: async () => {
      if (!exited) await thread.terminate();
      await exit;
    },
  };
}
