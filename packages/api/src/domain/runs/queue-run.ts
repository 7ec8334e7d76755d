import type { ExperimentConfig } from "@deadweight/experiment-config";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessExperiment } from "../../access/owned-objects.js";
import { recordAudit } from "../../audit/record-audit.js";
import { objectId } from "@deadweight/protocol";
import { type RunSummary, runSummarySelect, toRunSummary } from "./run-view.js";
import type { Store } from "../../store/store.js";

export const queueRunInput = z.object({
  experimentId: objectId,
  /**
   * The seed to train with. Omitted: the first seed from the configuration's seed upwards that no
   * run of this experiment has used yet, so "run it again" gives a new sample, not a duplicate.
   */
  seed: z.number().int("must be a whole number").nonnegative("must be 0 or more").optional(),
});
export type QueueRunInput = z.output<typeof queueRunInput>;

/** Queues another run of an experiment (member or higher). */
export async function queueRun(store: Store, actor: UserActor, input: QueueRunInput): Promise<RunSummary> {
  const { teamId, projectId } = await accessExperiment(store, actor, input.experimentId, "member");
  const queued = await store.transaction(async (tx) => {
    let seed = input.seed;
    if (seed === undefined) {
      const [experiment, used] = await Promise.all([
        tx.experiment.findUniqueOrThrow({ where: { id: input.experimentId }, select: { config: true } }),
        tx.run.findMany({ where: { experimentId: input.experimentId }, select: { seed: true } }),
      ]);
      const usedSeeds = new Set(used.map((run) => run.seed));
      seed = (JSON.parse(experiment.config) as ExperimentConfig).seed;
      while (usedSeeds.has(seed)) seed++;
    }
    const run = await tx.run.create({
      data: { experimentId: input.experimentId, seed },
      select: runSummarySelect,
    });
    await recordAudit(tx, actor, {
      teamId,
      action: "run.queue",
      targetType: "run",
      targetId: run.id,
      details: { experimentId: input.experimentId, seed },
    });
    return toRunSummary(run);
  });
  store.changes.publish({ kind: "runs-queued", teamId });
  store.changes.publish({ kind: "run-updated", runId: queued.id, projectId });
  return queued;
}
