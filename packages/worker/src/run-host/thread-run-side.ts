import type { Worker, WorkerOptions } from "node:worker_threads";
import type { FromRun } from "./run-host-protocol.js";
import type { RunSide } from "./run-side.js";
import type { RunThreadData } from "./serve-run-in-thread.js";

const RUN_THREAD_ENTRY = new URL("./run-thread-entry.mjs", import.meta.url);

/** Starts a thread; `new Worker(entry, options)` but for tests, which count them or start a scripted entry. */
export type StartThread = (entry: URL, options: WorkerOptions) => Worker;

/** A worker thread that imports the worker's bundle of the pipeline and runs the runs it is sent. */
export function openThreadSide(startThread: StartThread, pipelineModule: URL, heapMib: number): RunSide {
  const data: RunThreadData = { pipelineModule: pipelineModule.href };
  const worker = startThread(RUN_THREAD_ENTRY, {
    workerData: data,
    // The wasm heap and the datasets' typed arrays live outside V8's old generation: this bounds the
    // JavaScript objects only, by a run's whole share (at least MIN_RUN_HEAP_MIB), so a runaway heap
    // fails that run, not the worker.
    resourceLimits: { maxOldGenerationSizeMb: heapMib },
  });
  let exited = false;
  let erred = false;
  // The handlers run on later events, once `side` is set.
  const exit = new Promise<void>((resolve) =>
    worker.once("exit", (code) => {
      exited = true;
      side.listener?.died(`ended (exit code ${code}) before the run did`);
      resolve();
    }),
  );
  worker.on("message", (message: FromRun) => side.listener?.onMessage(message));
  // An uncaught error in the thread, or its heap limit reached (ERR_WORKER_OUT_OF_MEMORY); 'exit' follows.
  worker.on("error", (error) => {
    erred = true;
    side.listener?.died(`crashed: ${error.message}`);
  });
  const side: RunSide = {
    kind: "thread",
    listener: null,
    send: (message) => {
      if (!exited) worker.postMessage(message);
    },
    beginRun: () => {},
    ref: () => worker.ref(),
    unref: () => worker.unref(),
    get dying() {
      return exited || erred;
    },
    end: async () => {
      if (!exited) await worker.terminate();
      await exit;
    },
    exit,
  };
  return side;
}
