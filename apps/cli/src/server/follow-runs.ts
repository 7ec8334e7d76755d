import type { ConnectionNotices } from "./connection-notices.js";
import { followSubscription } from "./follow-subscription.js";
import type { RunStatus } from "./run-status-rows.js";
import type { UserApi } from "./user-api.js";

/** A run's details as run.watch (and run.get) send them. */
export type WatchedRun = Omit<RunStatus, "experimentName">;

export interface FollowRunsOptions {
  readonly notices: ConnectionNotices;
  /** Called after each update with the latest state of every run heard from so far. */
  readonly onChange: (runs: ReadonlyMap<string, WatchedRun>) => void;
  readonly signal?: AbortSignal | undefined;
}

export function isFinished(run: Pick<WatchedRun, "status">): boolean {
  return run.status !== "queued" && run.status !== "running";
}

/**
 * Follows the runs through run.watch (one subscription per run: each update is the run's whole
 * state, so nothing is read besides), until every one has finished or `signal` aborts. Returns the
 * latest state of each run heard from (in the order given), and whether all finished.
 */
export async function followRuns(
  api: UserApi,
  runIds: readonly string[],
  options: FollowRunsOptions,
): Promise<{ readonly runs: WatchedRun[]; readonly finished: boolean }> {
  const latest = new Map<string, WatchedRun>();
  // One subscription failing for good (the run is gone, the token revoked) ends the others.
  const stopAll = new AbortController();
  const signal = options.signal === undefined ? stopAll.signal : AbortSignal.any([options.signal, stopAll.signal]);
  try {
    const endings = await Promise.all(
      runIds.map((runId) =>
        followSubscription<WatchedRun>({
          open: (lastEventId, callbacks) =>
            api.client.run.watch.subscribe({ runId, ...(lastEventId === undefined ? {} : { lastEventId }) }, callbacks),
          what: `following run ${runId}`,
          serverUrl: api.serverUrl,
          key: runId,
          notices: options.notices,
          signal,
          onUpdate: (run) => {
            latest.set(runId, run);
            options.onChange(latest);
            return isFinished(run);
          },
        }).catch((error: unknown) => {
          stopAll.abort();
          throw error;
        }),
      ),
    );
    const runs = runIds.flatMap((runId) => latest.get(runId) ?? []);
    return { runs, finished: endings.every((ending) => ending === "done") };
  } finally {
    stopAll.abort();
  }
}
