import type { Store } from "../../store/store.js";
import { discardRunCheckpoints } from "../artifacts/discard-run-checkpoints.js";
import { releaseUnreferencedContent } from "../artifacts/release-unreferenced-content.js";
import { closeAttempt } from "./run-attempts.js";

/** A claim whose lease ran out: the run, the attempt it was at, and who held it. */
export interface ExpiredClaim {
  readonly runId: string;
  readonly attempt: number;
  readonly worker: string | null;
}

export interface ExpiredLeaseReport {
  /** Runs put back in the queue for another attempt. */
  readonly requeued: readonly ExpiredClaim[];
  /** Runs that had used all their attempts and failed. */
  readonly failed: readonly ExpiredClaim[];
  /** Canceled runs whose worker never confirmed the cancel: their history row is closed. */
  readonly canceledClosed: number;
}

/**
 * Takes back runs whose worker stopped renewing its lease (killed, machine gone): a running run whose
 * lease expired goes back to the queue, or fails with the reason once it has used its attempts; the
 * claim's history row ends as "lease-expired". A canceled run whose worker never confirmed just has
 * its claim closed. `teamId` limits the sweep to one team (a claim sweeps its own team first).
 * Each run changes in its own transaction, conditional on the state read, so a heartbeat or finish
 * that lands at the same moment wins cleanly.
 */
export async function requeueExpiredLeases(
  store: Store,
  options: { readonly teamId?: string; readonly now?: Date } = {},
): Promise<ExpiredLeaseReport> {
  const now = options.now ?? new Date();
  const expired = await store.db.run.findMany({
    where: {
      status: { in: ["running", "canceled"] },
      leaseExpiresAt: { lt: now },
      ...(options.teamId === undefined ? {} : { experiment: { project: { teamId: options.teamId } } }),
    },
    select: {
      id: true,
      status: true,
      attempt: true,
      maxAttempts: true,
      worker: true,
      leaseExpiresAt: true,
      experiment: { select: { projectId: true } },
    },
  });
  const requeued: ExpiredClaim[] = [];
  const failed: ExpiredClaim[] = [];
  let canceledClosed = 0;
  for (const run of expired) {
    const lease = run.leaseExpiresAt as Date;
    const who = run.worker === null ? "the worker" : `worker "${run.worker}"`;
    const exhausted = run.attempt >= run.maxAttempts;
    let discarded: string[] = [];
    const changed = await store.transaction(async (tx) => {
      const taken = await tx.run.updateMany({
        where: { id: run.id, status: run.status, attempt: run.attempt, leaseExpiresAt: { lt: now } },
        data:
          run.status === "canceled"
            ? { leaseExpiresAt: null }
            : exhausted
              ? {
                  status: "failed",
                  finishedAt: now,
                  leaseExpiresAt: null,
                  errorMessage: `the worker stopped renewing its lease after ${run.attempt} attempt(s) (last: ${who}, lease expired at ${lease.toISOString()}); no attempts are left. Check the workers' logs (killed, out of memory, machine gone?) and queue the experiment again`,
                }
              : { status: "queued", leaseExpiresAt: null },
      });
      if (taken.count === 0) return false;
      if (run.status === "canceled" || exhausted) discarded = await discardRunCheckpoints(tx, run.id);
      await closeAttempt(tx, run.id, run.attempt, {
        at: now,
        ...(run.status === "canceled"
          ? { outcome: "canceled", error: `canceled; ${who} did not confirm before its lease expired` }
          : {
              outcome: "lease-expired",
              error: `${who} stopped renewing its lease (expired at ${lease.toISOString()})`,
            }),
      });
      return true;
    });
    if (!changed) continue;
    await releaseUnreferencedContent(store, discarded);
    store.changes.publish({ kind: "run-updated", runId: run.id, projectId: run.experiment.projectId });
    const entry = { runId: run.id, attempt: run.attempt, worker: run.worker };
    if (run.status === "canceled") canceledClosed++;
    else if (exhausted) failed.push(entry);
    else requeued.push(entry);
  }
  // Runs back in the queue: wake the claims waiting for work (of every team: the sweep may span several).
  if (requeued.length > 0) store.changes.publish({ kind: "runs-queued", teamId: options.teamId ?? null });
  return { requeued, failed, canceledClosed };
}
