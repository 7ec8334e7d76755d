import type { HeartbeatReply as Heartbeat, HeartbeatRunInput } from "@deadweight/protocol";
import type { WorkerActor } from "../../access/actor.js";
import { accessRunAsWorker } from "../../access/owned-objects.js";
import type { Store } from "../../store/store.js";
import { loadHeldRun, lostHold, stillHeld } from "./held-run.js";
import { recordResumedAtEpoch } from "./run-attempts.js";
import { appendToTrainingCurve } from "./training-curve.js";

/**
 * Renews the worker's lease on a run it holds (by the lease length it claimed with) and stores its
 * progress. A canceled run answers cancelRequested; a run the worker no longer holds (its lease
 * expired and it went back to the queue, or another worker claimed it) is a CONFLICT.
 */
export async function heartbeatRun(store: Store, worker: WorkerActor, input: HeartbeatRunInput): Promise<Heartbeat> {
  const { projectId } = await accessRunAsWorker(store, worker, input.runId);
  // Read, check and write in one transaction: SQLite serialises writers, so the check still holds at the write.
  const reply = await store.transaction(async (tx): Promise<Heartbeat> => {
    const run = await loadHeldRun(tx, input.runId);
    if (run.status === "canceled") return { leaseExpiresAt: null, cancelRequested: true };
    if (!stillHeld(run, input.attempt)) throw await lostHold(tx, run, input.attempt);
    const leaseExpiresAt = new Date(Date.now() + run.leaseSeconds * 1000);
    const { trace, ...progress } = input.progress ?? { trace: undefined };
    let trainingCurve: string | undefined;
    if (trace !== undefined && trace.length > 0) {
      const stored = await tx.run.findUniqueOrThrow({ where: { id: run.id }, select: { trainingCurve: true } });
      trainingCurve = JSON.stringify(appendToTrainingCurve(stored.trainingCurve, input.attempt, trace));
    }
    await tx.run.update({
      where: { id: run.id },
      data: {
        leaseExpiresAt,
        ...(input.progress === undefined ? {} : { stage: input.progress.stage, progress: JSON.stringify(progress) }),
        ...(trainingCurve === undefined ? {} : { trainingCurve }),
      },
      select: { id: true },
    });
    const resumedAtEpoch = input.progress?.resumedAtEpoch;
    if (resumedAtEpoch !== undefined) await recordResumedAtEpoch(tx, run.id, input.attempt, resumedAtEpoch);
    return { leaseExpiresAt, cancelRequested: false };
  });
  // Progress is what live views show; a heartbeat that only renews the lease changes nothing they show.
  if (input.progress !== undefined && !reply.cancelRequested) {
    store.changes.publish({ kind: "run-updated", runId: input.runId, projectId });
  }
  return reply;
}
