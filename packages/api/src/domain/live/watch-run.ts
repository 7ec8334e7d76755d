import { objectId } from "@deadweight/protocol";
import { tracked } from "@trpc/server";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessRun } from "../../access/owned-objects.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";
import { type RunDetails, readRunDetails } from "../runs/get-run.js";
import { PendingUpdate } from "./pending-update.js";

export const watchRunInput = z.object({
  runId: objectId,
  /** The id of the last update received (a reconnecting client sends it): an unchanged run is not sent again. */
  lastEventId: z.string().max(200).nullish(),
});
export type WatchRunInput = z.output<typeof watchRunInput>;

/**
 * A run's details, pushed (viewer or higher): the current details at once, then after every change
 * (progress, stage, status, attempts, results, deployment) until the subscriber leaves.
 * Each update is the whole state, so an update missed while disconnected is never needed: the
 * first update after a reconnect is the current state (skipped when it is the one last received).
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
    while (details !== null) {
      const id = runUpdateId(details);
      if (id !== lastSent) {
        yield tracked(id, details);
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
