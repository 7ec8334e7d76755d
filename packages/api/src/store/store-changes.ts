/**
 * What one part of the platform tells the others about the store, so that waiting claims wake and
 * caches forget. Within one process these arrive at once; a store shared by several server
 * processes carries them between processes too (see StoreChangeFeed).
 */
export type StoreChange =
  /** A run of the team (of any team: null) may have become claimable (queued, requeued, released). */
  | { readonly kind: "runs-queued"; readonly teamId: string | null }
  /**
   * A run's state changed: created, claimed, progressed, a stage done, finished, canceled, requeued.
   * Live views of the run and of its project hear it (see LiveRuns).
   */
  | { readonly kind: "run-updated"; readonly runId: string; readonly projectId: string }
  /** A run's stored results changed (rows recorded again, deployment recorded). */
  | { readonly kind: "run-results"; readonly runId: string }
  /** A membership, role or API token changed somewhere: cached roles and tokens are stale. */
  | { readonly kind: "people" }
  /** Changes from other servers may have been missed (the feed's connection was lost): drop every cache. */
  | { readonly kind: "resync" };

export type StoreChangeListener = (change: StoreChange) => void;

/** Publishes store changes to every listener of the store, in this process and (when shared) in others. */
export interface StoreChangeFeed {
  /** Delivers `change` to every listener (the local ones before this returns). */
  publish(change: StoreChange): void;
  /** Calls `listener` for every change published from now on; returns the function that stops it. */
  subscribe(listener: StoreChangeListener): () => void;
  close(): Promise<void>;
}

/** The feed of a store used by one server process (the embedded SQLite default). */
export function createLocalChangeFeed(): StoreChangeFeed {
  const listeners = new Set<StoreChangeListener>();
  return {
    publish: (change) => {
      for (const listener of [...listeners]) listener(change);
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      listeners.clear();
    },
  };
}
