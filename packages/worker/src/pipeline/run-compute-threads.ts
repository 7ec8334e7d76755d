import { type BackendName, type ComputeThreads, openComputeThreads } from "@deadweight/core";

/**
 * A run's compute threads for its statistics pass and sweep: started at the first stage that asks
 * (none with 1 thread: that stage computes in the run's own thread), shared by the next, and
 * ended by `close` when the pipeline ends however it ends.
 */
export interface RunComputeThreads {
  /** The threads, started now if not yet; null when the run uses 1 thread. */
  get(): Promise<ComputeThreads | null>;
  close(): Promise<void>;
}

export function runComputeThreads(threads: number, backend: BackendName): RunComputeThreads {
  let opening: Promise<ComputeThreads> | null = null;
  return {
    get() {
      if (threads <= 1) return Promise.resolve(null);
      opening ??= openComputeThreads({ threads, backend });
      return opening;
    },
    async close() {
      await opening?.then(
        (open) => open.close(),
        () => {},
      );
    },
  };
}
