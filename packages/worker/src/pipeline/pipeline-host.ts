import { runPipeline } from "./run-pipeline.js";
import type { StageContext } from "./stage-context.js";

/** One run's pipeline, started somewhere (this thread, or a child process of its own). */
export interface PipelineExecution {
  /** Settles as the pipeline does: resolves when it completed, rejects with what it threw. */
  readonly done: Promise<void>;
  /** Ends whatever is left of it once the attempt no longer waits for it; resolves when nothing of it runs any more. */
  dispose(): Promise<void>;
}

/** Where a worker runs each claimed run's pipeline. */
export type PipelineHost = (context: StageContext) => PipelineExecution;

/**
 * Runs the pipeline in the calling thread, on the calling thread's backend: runs take turns on one
 * core, and a pipeline stopped in a step that cannot be interrupted is left to finish on its own.
 * For tests that give the worker an in-memory WorkerApi; `deadweight worker` uses pipelineProcesses.
 */
export const inThisThread: PipelineHost = (context) => ({
  done: runPipeline(context),
  dispose: async () => {},
});
