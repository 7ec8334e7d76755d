import { fork } from "node:child_process";
import type { WorkerConnection } from "../api/server-connection.js";
import type { PipelineHost } from "../pipeline/pipeline-host.js";
import { openProcessSide, type StartProcess } from "./process-run-side.js";
import { warmRunHost } from "./warm-run-host.js";

export interface PipelineProcessesOptions {
  /** Where each process's own HTTP client reaches the platform (the worker's server URLs and token). */
  readonly connection: WorkerConnection;
  /** The pipeline each process imports: the worker's bundle of run-main.ts (bundleRunPipeline). */
  readonly pipelineModule: URL;
  /** How long a process whose run completed waits, warm, for the next run (DEFAULT_KEEP_WARM_MS); 0: a fresh process for every run. */
  readonly keepWarmMs?: number;
  /** Starts a process; default `fork(entry, args, options)`. Tests count them, or start a scripted entry. */
  readonly startProcess?: StartProcess;
}

/**
 * Runs each run's pipeline in a child process, with its own TensorFlow.js backend and its own
 * OpenBLAS: everything pipelineThreads does, and a process that dies of a native fault (a
 * segmentation fault in OpenBLAS or the wasm runtime) fails only its attempt, with the reason, where
 * in a thread it takes the worker down. Its price, measured in bench:queue: a fresh process starts
 * ~0.2 s slower than a thread and keeps its own JIT and HTTP connections; a process whose run
 * completed waits warm for the next (warmRunHost), which saves most of that.
 */
export function pipelineProcesses(options: PipelineProcessesOptions): PipelineHost {
  const startProcess: StartProcess =
    options.startProcess ?? ((entry, args, forkOptions) => fork(entry, [...args], forkOptions));
  return warmRunHost({
    connection: options.connection,
    ...(options.keepWarmMs === undefined ? {} : { keepWarmMs: options.keepWarmMs }),
    open: (heapMib) => openProcessSide(startProcess, options.pipelineModule, heapMib),
  });
}
