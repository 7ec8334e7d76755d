import type { StoreChangeFeed } from "../../store/store-changes.js";

/**
 * Wakes claims waiting for work (long poll) when a run may have become claimable (queued,
 * requeued, released), so they answer at once instead of at their next re-check. It hears the
 * store's "runs-queued" changes: on a store shared by several servers, those published by the
 * others too. Waiting claims also re-check on a timer, in case a change message is lost.
 */
export class QueuedRunSignal {
  private readonly watchers = new Set<Watcher>();
  private stopped = false;
  private readonly unsubscribe: () => void;

  /** How often a waiting claim looks at the queue again even without a signal, unless told otherwise. */
  static readonly DEFAULT_RECHECK_MS = 1_000;

  /**
   * @param recheckMs how often a waiting claim looks at the queue again without a signal (a run
   * queued by a process whose change message never arrived).
   */
  constructor(
    changes: StoreChangeFeed,
    readonly recheckMs = QueuedRunSignal.DEFAULT_RECHECK_MS,
  ) {
    this.unsubscribe = changes.subscribe((change) => {
      if (change.kind === "runs-queued") this.wake(change.teamId);
      if (change.kind === "resync") this.wake(null);
    });
  }

  /** True once the server is shutting down. */
  get closed(): boolean {
    return this.stopped;
  }

  /** How many claims of `teamId` are waiting for work right now. */
  waiting(teamId: string): number {
    let count = 0;
    for (const watcher of this.watchers) if (watcher.teamId === teamId) count++;
    return count;
  }

  /** Starts listening for runs of `teamId` being queued; signals from now on are kept until `next`. */
  watch(teamId: string): QueuedRunWatch {
    const watcher: Watcher = { teamId, pending: false, wake: null };
    this.watchers.add(watcher);
    const signal = this;
    return {
      get closed() {
        return signal.stopped;
      },
      next: (ms, abort) =>
        new Promise<void>((resolve) => {
          if (watcher.pending || this.stopped || abort?.aborted) {
            watcher.pending = false;
            resolve();
            return;
          }
          const done = () => {
            clearTimeout(timer);
            abort?.removeEventListener("abort", done);
            watcher.wake = null;
            watcher.pending = false;
            resolve();
          };
          const timer = setTimeout(done, Math.min(ms, this.recheckMs));
          abort?.addEventListener("abort", done, { once: true });
          watcher.wake = done;
        }),
      close: () => {
        watcher.wake?.();
        this.watchers.delete(watcher);
      },
    };
  }

  /** Ends every wait now and makes later waits return at once (server shutdown). */
  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    for (const watcher of this.watchers) watcher.wake?.();
  }

  private wake(teamId: string | null): void {
    for (const watcher of this.watchers) {
      if (teamId !== null && watcher.teamId !== teamId) continue;
      watcher.pending = true;
      watcher.wake?.();
    }
  }
}

interface Watcher {
  readonly teamId: string;
  /** A signal arrived since the last wait: the next wait returns at once (no lost wake-up). */
  pending: boolean;
  wake: (() => void) | null;
}

export interface QueuedRunWatch {
  /**
   * Resolves on a signal for the team (or one that came since the last call), after `ms` or the
   * signal's recheck interval (whichever is shorter), on abort or on shutdown.
   */
  next(ms: number, signal?: AbortSignal): Promise<void>;
  /** True once the server is shutting down. */
  readonly closed: boolean;
  close(): void;
}
