import { Worker } from "node:worker_threads";
import type { WorkerConnection } from "../api/server-connection.js";
import type { PipelineHost } from "../pipeline/pipeline-host.js";
import { openThreadSide, type StartThread } from "./thread-run-side.js";
import { warmRunHost } from "./warm-run-host.js";

export interface PipelineThreadsOptions {
  /** Where each thread's own HTTP client reaches the platform (the worker's server URLs and token). */
  readonly connection: WorkerConnection;
  /** The pipeline each thread imports: the worker's bundle of run-main.ts (bundleRunPipeline). */
  readonly pipelineModule: URL;
  /** How long a thread whose run completed waits, warm, for the next run (DEFAULT_KEEP_WARM_MS); 0: a fresh thread for every run. */
  readonly keepWarmMs?: number;
  /** Starts a thread; default `new Worker(entry, options)`. Tests count the threads, or start a scripted entry. */
  readonly startThread?: StartThread;
}

/**
 * Runs each run's pipeline in a worker thread, with its own TensorFlow.js backend, so a worker with
 * --concurrency N trains on N cores and its heartbeats never wait for a long computation; a thread
 * whose run completed waits warm for the next (warmRunHost). A thread that crashes (an uncaught
 * error, process.exit, running out of its heap) fails that attempt with the reason; the worker goes
 * on. A native fault (a segmentation fault in OpenBLAS) takes the whole process down:
 * pipelineProcesses isolates that too.
 */
export function pipelineThreads(options: PipelineThreadsOptions): PipelineHost {
  const startThread = options.startThread ?? ((entry, threadOptions) => new Worker(entry, threadOptions));
  return warmRunHost({
    connection: options.connection,
    ...(options.keepWarmMs === undefined ? {} : { keepWarmMs: options.keepWarmMs }),
    open: (heapMib) => openThreadSide(startThread, options.pipelineModule, heapMib),
  });
}
