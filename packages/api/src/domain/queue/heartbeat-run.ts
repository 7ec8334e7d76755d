import type { Db } from "@deadweight/db";
import { z } from "zod";
import type { WorkerActor } from "../../access/actor.js";
import { accessRunAsWorker } from "../../access/owned-objects.js";
import { claimReportInput } from "./claim-report-input.js";
import { loadHeldRun, lostHold, stillHeld } from "./held-run.js";
import { runStageInput } from "./run-stages.js";
import { appendToTrainingCurve, MAX_TRACE_POINTS_PER_REPORT, trainingTracePointInput } from "./training-curve.js";

const count = z.number().int("must be a whole number").nonnegative("must be 0 or more");

/** The live progress of a run, shown to people as the worker reports it. */
export const runProgressInput = z.object({
  stage: runStageInput,
  epoch: count.optional(),
  epochs: count.optional(),
  batch: count.optional(),
  batches: count.optional(),
  loss: z.number().optional(),
  accuracy: z.number().min(0, "must be a fraction in [0, 1]").max(1, "must be a fraction in [0, 1]").optional(),
  etaSeconds: z.number().nonnegative("must be 0 or more").optional(),
  message: z.string().max(500, "must be at most 500 characters").optional(),
  /** Training steps since the previous report, appended to the run's training curve. */
  trace: z
    .array(trainingTracePointInput)
    .max(MAX_TRACE_POINTS_PER_REPORT, `must be at most ${MAX_TRACE_POINTS_PER_REPORT} points`)
    .optional(),
});
export type RunProgress = z.output<typeof runProgressInput>;

export const heartbeatRunInput = claimReportInput.extend({ progress: runProgressInput.optional() });
export type HeartbeatRunInput = z.output<typeof heartbeatRunInput>;

export interface Heartbeat {
  /** Null only when the run was canceled (nothing more to hold). */
  readonly leaseExpiresAt: Date | null;
  /** A person canceled the run: stop, keep what is stored, and finish with outcome "canceled". */
  readonly cancelRequested: boolean;
}

/**
 * Renews the worker's lease on a run it holds (by the lease length it claimed with) and stores its
 * progress. A canceled run answers cancelRequested; a run the worker no longer holds (its lease
 * expired and it went back to the queue, or another worker claimed it) is a CONFLICT.
 */
export async function heartbeatRun(db: Db, worker: WorkerActor, input: HeartbeatRunInput): Promise<Heartbeat> {
  await accessRunAsWorker(db, worker, input.runId);
  // Read, check and write in one transaction: SQLite serialises writers, so the check still holds at the write.
  return db.$transaction(async (tx) => {
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
    return { leaseExpiresAt, cancelRequested: false };
  });
}
