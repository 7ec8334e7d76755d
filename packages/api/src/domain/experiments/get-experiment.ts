import type { ExperimentConfig } from "@deadweight/experiment-config";
import { objectId } from "@deadweight/protocol";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessExperiment } from "../../access/owned-objects.js";
import type { Store } from "../../store/store.js";
import { RUN_STATUSES, type RunStatus } from "../runs/run-status.js";
import { type RunSummary, runSummarySelect, toRunSummary } from "../runs/run-view.js";
import { type ExperimentListItem, experimentListSelect, toExperimentListItem } from "./experiment-view.js";

export const getExperimentInput = z.object({ experimentId: objectId });
export type GetExperimentInput = z.output<typeof getExperimentInput>;

/** How many of an experiment's runs to list in full; the counts cover all of them. */
const RECENT_RUNS = 20;

export interface ExperimentDetails extends ExperimentListItem {
  readonly config: ExperimentConfig;
  readonly runs: {
    readonly total: number;
    readonly byStatus: Record<RunStatus, number>;
    /** The newest runs (at most 20), newest first; list the rest with run.list. */
    readonly recent: RunSummary[];
  };
}

/** One experiment with its full configuration and a summary of its runs (viewer or higher). */
export async function getExperiment(
  store: Store,
  actor: UserActor,
  input: GetExperimentInput,
): Promise<ExperimentDetails> {
  await accessExperiment(store, actor, input.experimentId, "viewer");
  const [experiment, statusCounts, recent] = await Promise.all([
    store.db.experiment.findUniqueOrThrow({
      where: { id: input.experimentId },
      select: { ...experimentListSelect, config: true },
    }),
    store.db.run.groupBy({ by: ["status"], where: { experimentId: input.experimentId }, _count: { _all: true } }),
    store.db.run.findMany({
      where: { experimentId: input.experimentId },
      orderBy: [{ queuedAt: "desc" }, { id: "desc" }],
      take: RECENT_RUNS,
      select: runSummarySelect,
    }),
  ]);
  const byStatus = Object.fromEntries(RUN_STATUSES.map((status) => [status, 0])) as Record<RunStatus, number>;
  for (const entry of statusCounts) byStatus[entry.status as RunStatus] = entry._count._all;
  const { config, ...listed } = experiment;
  const item = toExperimentListItem(listed);
  return {
    ...item,
    config: JSON.parse(config) as ExperimentConfig,
    runs: { total: item.runCount, byStatus, recent: recent.map(toRunSummary) },
  };
}
