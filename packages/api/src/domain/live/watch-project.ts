import { objectId } from "@deadweight/protocol";
import { tracked } from "@trpc/server";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessProject } from "../../access/owned-objects.js";
import type { Store } from "../../store/store.js";
import type { ProjectRunChanges } from "./live-runs.js";
import { PendingUpdate } from "./pending-update.js";

export const watchProjectInput = z.object({
  projectId: objectId,
  /** Sent by a reconnecting client: changes may have been missed, so the first update says "everything". */
  lastEventId: z.string().max(200).nullish(),
});
export type WatchProjectInput = z.output<typeof watchProjectInput>;

/** One push to a project's viewers: which runs changed (queued, claimed, progressed, finished), or everything. */
export type ProjectUpdate = ProjectRunChanges;

/**
 * The project's run changes, pushed (viewer or higher): the ids of the runs that changed since the
 * last update (merged while the subscriber is busy), so lists and queues refetch only when something
 * happened. The first update comes at once: no runs on a first connection; `everything` for a
 * subscriber that reconnects (it sends the last update's id), since it may have missed changes.
 */
export async function* watchProject(store: Store, actor: UserActor, input: WatchProjectInput, signal: AbortSignal) {
  await accessProject(store, actor, input.projectId, "viewer");
  const pending = new PendingUpdate<ProjectRunChanges>(mergeChanges);
  const stop = store.live.watchProject(input.projectId, (changes) => pending.put(changes));
  let sent = 0;
  // Unique across reconnects and servers: only its presence on reconnect matters.
  const updateId = () => `${Date.now().toString(36)}.${(sent++).toString(36)}`;
  try {
    // At once, so even a subscriber that hears nothing else has an id to reconnect with.
    yield tracked(updateId(), (input.lastEventId == null ? { runIds: [] } : { everything: true }) as ProjectUpdate);
    for (;;) {
      const changes = await pending.next(signal);
      if (changes === undefined) return;
      await accessProject(store, actor, input.projectId, "viewer");
      yield tracked(updateId(), changes);
    }
  } finally {
    stop();
  }
}

function mergeChanges(older: ProjectRunChanges, newer: ProjectRunChanges): ProjectRunChanges {
  if ("everything" in older || "everything" in newer) return { everything: true };
  return { runIds: [...new Set([...older.runIds, ...newer.runIds])] };
}
