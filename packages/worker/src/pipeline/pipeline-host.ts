import { runPipeline } from "./run-pipeline.js";
import type { StageContext } from "./stage-context.js";

/** One run's pipeline, started somewhere (this thread, a worker thread, a child process). */
export interface PipelineExecution {
  /** Settles as the pipeline does: resolves when it completed, rejects with what it threw. */
  readonly done: Promise<void>;
  /**
   * Ends whatever is left of it once the attempt no longer waits for it, or hands its thread back
   * to be kept warm for the next run when it completed; resolves when nothing of it runs any more.
   */
  dispose(): Promise<void>;
}

/** Where a worker runs each claimed run's pipeline. */
export interface PipelineHost {
  start(context: StageContext): PipelineExecution;
  /** Ends what the host keeps between runs (warm threads). The worker calls it once its last attempt has ended. */
  close(): Promise<void>;
}

/**
 * Runs the pipeline in the calling thread, on the calling thread's backend: runs take turns on one
 * core, and a pipeline stopped in a step that cannot be interrupted is left to finish on its own.
 * For tests that give the worker an in-memory WorkerApi; `deadweight worker` uses pipelineThreads.
 */
export const inThisThread: PipelineHost = {
  start: (context) => ({ done: runPipeline(context), dispose: async () => {} }),
  close: async () => {},
};
