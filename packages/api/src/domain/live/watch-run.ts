import { objectId } from "@deadweight/protocol";
import { tracked } from "@trpc/server";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessRun } from "../../access/owned-objects.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";
import { type RunDetails, readRunDetails } from "../runs/get-run.js";
import { PendingUpdate } from "./pending-update.js";
import { type CurveUpdate, type SentCurve, trainingCurveUpdate } from "./training-curve-updates.js";

export const watchRunInput = z.object({
  runId: objectId,
  /** The id of the last update received (a reconnecting client sends it): an unchanged run is not sent again. */
  lastEventId: z.string().max(200).nullish(),
});
export type WatchRunInput = z.output<typeof watchRunInput>;

/** One pushed update: the run's whole state, except its training curve (see training-curve-updates). */
export type RunUpdate = Omit<RunDetails, "trainingCurve"> & CurveUpdate;

/**
 * A run's details, pushed (viewer or higher): the current details at once, then after every change
 * (progress, stage, status, attempts, results, deployment) until the subscriber leaves.
 * Each update is the whole state, so an update missed while disconnected is never needed: the
 * first update after a reconnect is the current state (skipped when it is the one last received).
 * The training curve is the exception: a subscription's first update carries all of it, the later
 * ones only its new points (trainingCurveUpdate); a reconnect is a new subscription, so it starts whole.
 * Access is checked again before each update: someone removed from the team stops hearing.
 */
export async function* watchRun(store: Store, actor: UserActor, input: WatchRunInput, signal: AbortSignal) {
  const { projectId } = await accessRun(store, actor, input.runId, "viewer");
  const pending = new PendingUpdate<RunDetails>();
  // Watch before the first read, so a change between the read and the watch is not missed.
  const stop = store.live.watchRun(input.runId, projectId, (details) => pending.put(details));
  try {
    let details = await readRunDetails(store.db, input.runId, projectId);
    let lastSent = input.lastEventId ?? null;
    let sentCurve: SentCurve | null = null;
    while (details !== null) {
      const id = runUpdateId(details);
      if (id !== lastSent) {
        const { trainingCurve, ...rest } = details;
        const curve = trainingCurveUpdate(sentCurve, trainingCurve);
        const update: RunUpdate = { ...rest, ...curve.update };
        yield tracked(id, update);
        sentCurve = curve.sent;
        lastSent = id;
      }
      const next = await pending.next(signal);
      if (next === undefined) return;
      await accessRun(store, actor, input.runId, "viewer");
      details = next;
    }
    throw AppError.notFound("run", input.runId);
  } finally {
    stop();
  }
}

/** Names a state of the run: it changes whenever the stored run or its result rows do. */
export function runUpdateId(details: RunDetails): string {
  return `${details.updatedAt.getTime()}.${details.resultRowCount}.${details.status}`;
}
