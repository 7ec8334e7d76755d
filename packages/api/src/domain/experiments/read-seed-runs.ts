import type { SeedRow, SeedRun } from "@deadweight/core/tensor-free";
import { storedDateTimeOrNull } from "@deadweight/db";
import type { ExperimentConfig } from "@deadweight/experiment-config";
import type { Store } from "../../store/store.js";
import { RUN_STATUSES, type RunStatus } from "../runs/run-status.js";

/** One experiment's runs as the seed aggregation reads them. */
export interface ExperimentSeedRuns {
  /** The runs aggregated (succeeded; one per seed, the latest to finish), in seed order, with their rows. */
  readonly seedRuns: SeedRun[];
  /** Every run of the experiment by status. */
  readonly runsByStatus: Record<RunStatus, number>;
  /** Succeeded runs left out because a later succeeded run has the same seed. */
  readonly replacedRunIds: string[];
}

/**
 * The succeeded runs of each experiment, one per seed (a seed run again counts once: its latest
 * result), with their rows in sweep order; a run stored without a seed has its configuration's. The
 * caller has checked access. Experiments that do not exist are absent from the map.
 */
export async function readSeedRuns(
  store: Store,
  experimentIds: readonly string[],
): Promise<Map<string, ExperimentSeedRuns>> {
  if (experimentIds.length === 0) return new Map();
  const [experiments, runs] = await Promise.all([
    store.reads.selectFrom("Experiment").select(["id", "config"]).where("id", "in", experimentIds).execute(),
    store.reads
      .selectFrom("Run")
      .select(["id", "experimentId", "seed", "status", "finishedAt"])
      .where("experimentId", "in", experimentIds)
      .execute(),
  ]);
  const answer = new Map<string, ExperimentSeedRuns>();
  // The rows of each aggregated run, filled in below.
  const rowsOf = new Map<string, SeedRow[]>();
  for (const experiment of experiments) {
    const configSeed = (JSON.parse(experiment.config) as Partial<ExperimentConfig>).seed ?? 0;
    const own = runs.filter((run) => run.experimentId === experiment.id);
    const runsByStatus = Object.fromEntries(RUN_STATUSES.map((status) => [status, 0])) as Record<RunStatus, number>;
    for (const run of own) runsByStatus[run.status as RunStatus] += 1;
    const latestBySeed = new Map<number, string>();
    const replacedRunIds: string[] = [];
    const succeeded = own
      .filter((run) => run.status === "succeeded")
      .map((run) => ({
        id: run.id,
        seed: run.seed ?? configSeed,
        finishedAt: storedDateTimeOrNull(run.finishedAt)?.getTime() ?? 0,
      }))
      .sort((a, b) => a.finishedAt - b.finishedAt || (a.id < b.id ? -1 : 1));
    for (const run of succeeded) {
      const earlier = latestBySeed.get(run.seed);
      if (earlier !== undefined) replacedRunIds.push(earlier);
      latestBySeed.set(run.seed, run.id);
    }
    const seedRuns = [...latestBySeed.entries()]
      .sort(([a], [b]) => a - b)
      .map(([seed, runId]) => {
        const rows: SeedRow[] = [];
        rowsOf.set(runId, rows);
        return { runId, seed, rows };
      });
    answer.set(experiment.id, { seedRuns, runsByStatus, replacedRunIds });
  }
  if (rowsOf.size > 0) {
    const rows = await store.reads
      .selectFrom("ResultRow")
      .select([
        "runId",
        "rowKey",
        "status",
        "parameters",
        "bytes",
        "validationAccuracy",
        "testAccuracy",
        "validationAccuracyDrop",
        "testAccuracyDrop",
      ])
      .where("runId", "in", [...rowsOf.keys()])
      .orderBy("position", "asc")
      .orderBy("rowKey", "asc")
      .execute();
    for (const { runId, ...row } of rows) {
      rowsOf.get(runId)?.push({ ...row, status: row.status as SeedRow["status"] });
    }
  }
  return answer;
}
