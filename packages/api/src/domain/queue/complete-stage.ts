import type { CompleteStageInput } from "@deadweight/protocol";
import type { WorkerActor } from "../../access/actor.js";
import { accessRunAsWorker } from "../../access/owned-objects.js";
import type { Store } from "../../store/store.js";
import { heldRunSelect, lostHold, stillHeld } from "./held-run.js";

/**
 * Records that a stage of a held run is done, so a later attempt resumes after it, and its duration.
 * Idempotent: reporting a stage again keeps one entry (and the latest duration).
 */
export async function completeStage(store: Store, worker: WorkerActor, input: CompleteStageInput): Promise<void> {
  const { projectId } = await accessRunAsWorker(store, worker, input.runId);
  await store.transaction(async (tx) => {
    // Read, check and write in one transaction: SQLite serialises writers, so the check still holds at the write.
    // One read for the check and the fields it updates (each Prisma query costs its compilation).
    const run = await tx.run.findUniqueOrThrow({
      where: { id: input.runId },
      select: { ...heldRunSelect, completedStages: true, timings: true },
    });
    if (!stillHeld(run, input.attempt)) throw await lostHold(tx, run, input.attempt);
    const { completedStages, timings } = run;
    const stages = JSON.parse(completedStages) as string[];
    if (!stages.includes(input.stage)) stages.push(input.stage);
    const seconds = { ...(timings === null ? {} : (JSON.parse(timings) as Record<string, number>)) };
    seconds[input.stage] = input.seconds;
    await tx.run.update({
      where: { id: input.runId },
      data: { completedStages: JSON.stringify(stages), timings: JSON.stringify(seconds) },
      select: { id: true },
    });
  });
  store.changes.publish({ kind: "run-updated", runId: input.runId, projectId });
}
