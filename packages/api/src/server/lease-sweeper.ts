import { type ExpiredLeaseReport, requeueExpiredLeases } from "../domain/queue/requeue-expired-leases.js";
import type { Store } from "../store/store.js";

/** How often the server looks for runs whose worker stopped heartbeating, unless told otherwise. */
export const DEFAULT_LEASE_SWEEP_INTERVAL_MS = 5_000;

export interface LeaseSweeperOptions {
  readonly intervalMs?: number;
  /** Called after each sweep that changed something. */
  readonly onSweep?: (report: ExpiredLeaseReport) => void;
  /** A failed sweep is reported here and retried at the next tick; default console.error. */
  readonly onError?: (error: unknown) => void;
}

export interface LeaseSweeper {
  /** Stops the timer and waits for a sweep in progress, so the database can be closed after it. */
  stop(): Promise<void>;
}

/**
 * Runs requeueExpiredLeases for every team on a timer, so a dead worker's run goes back to the
 * queue even when no worker claims. One sweep at a time; the timer never keeps the process alive.
 */
export function startLeaseSweeper(store: Store, options: LeaseSweeperOptions = {}): LeaseSweeper {
  const intervalMs = options.intervalMs ?? DEFAULT_LEASE_SWEEP_INTERVAL_MS;
  const onError = options.onError ?? ((error: unknown) => console.error("lease sweep failed:", error));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> = Promise.resolve();

  const tick = () => {
    sweeping = requeueExpiredLeases(store)
      .then((report) => {
        if (report.requeued.length + report.failed.length + report.canceledClosed > 0) options.onSweep?.(report);
      })
      .catch(onError)
      .finally(() => {
        if (!stopped) schedule();
      });
  };
  const schedule = () => {
    timer = setTimeout(tick, intervalMs);
    timer.unref();
  };
  schedule();

  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await sweeping;
    },
  };
}
