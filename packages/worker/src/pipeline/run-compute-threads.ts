import { type BackendInfo, type ComputeThreads, openComputeThreads, usesComputeThreads } from "@deadweight/core";

/**
 * A run's compute threads for its statistics pass and sweep: started at the first stage that asks
 * (none with 1 thread, or when OpenBLAS already gives the products the run's threads: that stage
 * computes in the run's own thread), shared by the next, and
 * ended by `close` when the pipeline ends however it ends.
 */
export interface RunComputeThreads {
  /** The threads, started now if not yet; null when the run computes in its own thread. */
  get(): Promise<ComputeThreads | null>;
  close(): Promise<void>;
}

export function runComputeThreads(backend: BackendInfo): RunComputeThreads {
  let opening: Promise<ComputeThreads> | null = null;
  return {
    get() {
      if (!usesComputeThreads(backend)) return Promise.resolve(null);
      opening ??= openComputeThreads({ threads: backend.threads ?? 1, backend: backend.name });
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
