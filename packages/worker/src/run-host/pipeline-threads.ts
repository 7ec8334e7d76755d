import { Worker, type WorkerOptions } from "node:worker_threads";
import type { WorkerConnection } from "../api/server-connection.js";
import type { PipelineExecution, PipelineHost } from "../pipeline/pipeline-host.js";
import type { StageContext } from "../pipeline/stage-context.js";
import { followRun } from "./follow-run.js";
import { runHeapMib } from "./run-heap.js";
import type { FromRun, ToRun } from "./run-host-protocol.js";
import type { RunThreadData } from "./serve-run-in-thread.js";

const RUN_THREAD_ENTRY = new URL("./run-thread-entry.mjs", import.meta.url);

export interface PipelineThreadsOptions {
  /** Where each thread's own HTTP client reaches the platform (the worker's server URLs and token). */
  readonly connection: WorkerConnection;
  /** The pipeline each thread imports: the worker's bundle of run-main.ts (bundleRunPipeline). */
  readonly pipelineModule: URL;
  /** Starts a thread; default `new Worker(entry, options)`. Tests count the threads, or start a scripted entry. */
  readonly startThread?: (entry: URL, options: WorkerOptions) => Worker;
}

/**
 * Runs each run's pipeline in a worker thread of its own, with its own TensorFlow.js backend, so a
 * worker with --concurrency N trains on N cores and its heartbeats never wait for a long computation.
 * A thread that crashes (an uncaught error, process.exit, running out of its heap) fails that
 * attempt with the reason; the worker goes on. A native fault (a segmentation fault in OpenBLAS)
 * takes the whole process down: pipelineProcesses isolates that too. A thread is terminated when
 * its attempt ends.
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
      // JavaScript objects only, by the run's whole share (at least MIN_RUN_HEAP_MIB), so a runaway heap
      // fails this run, not the worker.
      resourceLimits: { maxOldGenerationSizeMb: runHeapMib(context.settings) },
    });
  } catch (error) {
    return { done: Promise.reject(error), dispose: async () => {} };
  }
  let exited = false;
  const exit = new Promise<number>((resolve) =>
    thread.once("exit", (code) => {
      exited = true;
      resolve(code);
    }),
  );
  const run = followRun(context, "thread", (stop) => {
    if (!exited) thread.postMessage({ type: "stop", stop } satisfies ToRun);
  });
  thread.on("message", (message: FromRun) => run.onMessage(message));
  // An uncaught error in the thread, or its heap limit reached (ERR_WORKER_OUT_OF_MEMORY); 'exit' follows.
  thread.once("error", (error) => run.died(`crashed: ${error.message}`));
  void exit.then((code) => run.died(`ended (exit code ${code}) before the run did`));
  return {
    done: run.done,
    dispose: async () => {
      if (!exited) await thread.terminate();
      await exit;
    },
  };
}
