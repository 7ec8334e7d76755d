import type { FinishRunInput } from "@deadweight/protocol";
import type { WorkerActor } from "../../access/actor.js";
import { accessRunAsWorker } from "../../access/owned-objects.js";
import type { DbOrTransaction } from "../../audit/record-audit.js";
import type { Store } from "../../store/store.js";
import { discardRunCheckpoints } from "../artifacts/discard-run-checkpoints.js";
import { releaseUnreferencedContent } from "../artifacts/release-unreferenced-content.js";
import { type HeldRun, loadHeldRun, lostHold, stillHeld } from "./held-run.js";
import { closeAttempt, type RunAttemptOutcome } from "./run-attempts.js";

/**
 * Ends the worker's claim on a run: succeeded, failed (a retryable failure goes back to the queue
 * while attempts are left), canceled, or released (back to the queue, and the run gets one more
 * attempt so a shutdown never counts against it). The history row of the claim is closed. A run a
 * person canceled stays canceled whatever the worker reports. A run that ended loses its training
 * checkpoints (see discardRunCheckpoints). Repeating a finish that was already
 * applied (a retry after a lost answer) does nothing.
 */
export async function finishRun(store: Store, worker: WorkerActor, input: FinishRunInput): Promise<void> {
  const { projectId } = await accessRunAsWorker(store, worker, input.runId);
  let discarded: string[] = [];
  const requeued = await store.transaction(async (tx) => {
    const now = new Date();
    const run = await loadHeldRun(tx, input.runId);
    const error = input.outcome === "failed" ? input.error : null;
    if (run.status === "canceled") {
      await closeAttempt(tx, run.id, input.attempt, { outcome: "canceled", error, at: now });
      discarded = await discardRunCheckpoints(tx, run.id);
      if (run.attempt === input.attempt) {
        await tx.run.update({ where: { id: run.id }, data: { leaseExpiresAt: null }, select: { id: true } });
      }
      return false;
    }
    if (!stillHeld(run, input.attempt)) {
      if (await alreadyFinished(tx, run.id, input.attempt, input.outcome)) return false;
      throw await lostHold(tx, run, input.attempt);
    }
    const ending = endingOf(run, input, now);
    await tx.run.update({ where: { id: run.id }, data: ending.run, select: { id: true } });
    await closeAttempt(tx, run.id, input.attempt, { outcome: input.outcome, error, at: now });
    // Kept while the run may be resumed; an ended run's checkpoints go.
    if (ending.run.status !== "queued") discarded = await discardRunCheckpoints(tx, run.id);
    return ending.run.status === "queued";
  });
  await releaseUnreferencedContent(store, discarded);
  store.changes.publish({ kind: "run-updated", runId: input.runId, projectId });
  // A released or retryable run is claimable again: wake the claims waiting for work.
  if (requeued) store.changes.publish({ kind: "runs-queued", teamId: worker.teamId });
}

function endingOf(run: HeldRun, input: FinishRunInput, now: Date) {
  const released = { leaseExpiresAt: null };
  switch (input.outcome) {
    case "succeeded":
      return { run: { ...released, status: "succeeded", finishedAt: now, errorMessage: null } };
    case "canceled":
      return { run: { ...released, status: "canceled", finishedAt: now } };
    case "released":
      // The attempt number stays (history rows are unique per attempt) and the limit grows by one instead.
      return { run: { ...released, status: "queued", maxAttempts: run.maxAttempts + 1 } };
    case "failed": {
      if (input.retryable && run.attempt < run.maxAttempts) return { run: { ...released, status: "queued" } };
      const limit = input.retryable ? ` (attempt ${run.attempt} of ${run.maxAttempts}: no attempts left)` : "";
      return { run: { ...released, status: "failed", finishedAt: now, errorMessage: `${input.error}${limit}` } };
    }
  }
}

/** True when this very claim already ended with this outcome: the finish is a retry of one already applied. */
async function alreadyFinished(
  tx: DbOrTransaction,
  runId: string,
  attempt: number,
  outcome: RunAttemptOutcome,
): Promise<boolean> {
  const row = await tx.runAttempt.findUnique({
    where: { runId_attempt: { runId, attempt } },
    select: { endedAt: true, outcome: true },
  });
  return row !== null && row.endedAt !== null && row.outcome === outcome;
}
