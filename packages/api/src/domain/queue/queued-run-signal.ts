import type { Db } from "@deadweight/db";

/**
 * In-process signal that a run may have become claimable (queued, requeued, released), so a claim
 * waiting for work (long poll) answers at once instead of at its next re-check. Per database handle:
 * only claims served by this process hear it, which is why waiting claims also re-check on a timer.
 */
interface Watcher {
  readonly teamId: string;
  /** A signal arrived since the last wait: the next wait returns at once (no lost wake-up). */
  pending: boolean;
  wake: (() => void) | null;
}

interface Channel {
  readonly watchers: Set<Watcher>;
  /** The server is shutting down: waits end at once. */
  closed: boolean;
}

const channels = new WeakMap<Db, Channel>();

function channelOf(db: Db): Channel {
  let channel = channels.get(db);
  if (channel === undefined) {
    channel = { watchers: new Set(), closed: false };
    channels.set(db, channel);
  }
  return channel;
}

/** Wakes the claims waiting on this database for runs of `teamId` (of every team when omitted). */
export function signalRunsQueued(db: Db, teamId?: string): void {
  const channel = channels.get(db);
  if (channel === undefined) return;
  for (const watcher of channel.watchers) {
    if (teamId !== undefined && watcher.teamId !== teamId) continue;
    watcher.pending = true;
    watcher.wake?.();
  }
}

/** Ends every wait on this database now and makes later waits return at once (server shutdown). */
export function stopWaitingForQueuedRuns(db: Db): void {
  const channel = channelOf(db);
  channel.closed = true;
  for (const watcher of channel.watchers) watcher.wake?.();
}

export interface QueuedRunWatch {
  /** Resolves on a signal for the team (or one that came since the last call), after `ms`, on abort or shutdown. */
  next(ms: number, signal?: AbortSignal): Promise<void>;
  /** True once the server is shutting down. */
  readonly closed: boolean;
  close(): void;
}

/** Starts listening for runs of `teamId` being queued; signals from now on are kept until `next`. */
export function watchQueuedRuns(db: Db, teamId: string): QueuedRunWatch {
  const channel = channelOf(db);
  const watcher: Watcher = { teamId, pending: false, wake: null };
  channel.watchers.add(watcher);
  return {
    get closed() {
      return channel.closed;
    },
    next: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (watcher.pending || channel.closed || signal?.aborted) {
          watcher.pending = false;
          resolve();
          return;
        }
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", done);
          watcher.wake = null;
          watcher.pending = false;
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener("abort", done, { once: true });
        watcher.wake = done;
      }),
    close: () => {
      watcher.wake?.();
      channel.watchers.delete(watcher);
    },
  };
}
