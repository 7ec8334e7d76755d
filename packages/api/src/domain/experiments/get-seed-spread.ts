import {
  type SeedRun,
  type SeedSpreadRow,
  seedSpread,
  smallestRowWithinWorstSeedDrop,
  withinWorstSeedDrop,
} from "@deadweight/core/tensor-free";
import { storedDateTimeOrNull } from "@deadweight/db";
import type { ExperimentConfig } from "@deadweight/experiment-config";
import { objectId } from "@deadweight/protocol";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessExperiment } from "../../access/owned-objects.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";
import { RUN_STATUSES, type RunStatus } from "../runs/run-status.js";

export const getSeedSpreadInput = z.object({
  experimentId: objectId,
  /**
   * Worst-seed limit, in validation points: each row then says whether every seed's validation drop
   * is within it, and the answer names the smallest row that holds on every seed.
   */
  maxWorstSeedDropPoints: z
    .number()
    .min(-100, "must be at least -100 points")
    .max(100, "must be at most 100 points (a drop is in percentage points)")
    .optional(),
});
export type GetSeedSpreadInput = z.output<typeof getSeedSpreadInput>;

export type SeedSpreadAnswerRow = SeedSpreadRow & {
  /** With a worst-seed limit: whether the row holds on every seed; null without one. */
  readonly withinWorstSeedLimit: boolean | null;
};

export interface SeedSpreadAnswer {
  readonly experimentId: string;
  /** The runs aggregated (succeeded; one per seed, the latest to finish), in seed order. */
  readonly seeds: { readonly seed: number; readonly runId: string }[];
  /** Every run of the experiment by status: runs still queued or running, failed or canceled are not aggregated yet. */
  readonly runsByStatus: Record<RunStatus, number>;
  /** Succeeded runs left out because a later succeeded run has the same seed. */
  readonly replacedRunIds: string[];
  /** One per row key measured in at least one aggregated run, in sweep order. */
  readonly rows: SeedSpreadAnswerRow[];
  /** With a worst-seed limit: the smallest row (fewest mean bytes) that holds on every seed, or null. */
  readonly worstSeedLimit: {
    readonly maxWorstSeedDropPoints: number;
    readonly smallest: SeedSpreadAnswerRow | null;
  } | null;
}

/**
 * An experiment's rows aggregated across its succeeded runs, one per seed (viewer or higher): each
 * row key's mean, min and max of accuracy, drop and size, and its worst seed. Rows some seed lacks
 * say so; runs not yet succeeded are counted, not aggregated.
 */
export async function getSeedSpread(
  store: Store,
  actor: UserActor,
  input: GetSeedSpreadInput,
): Promise<SeedSpreadAnswer> {
  await accessExperiment(store, actor, input.experimentId, "viewer");
  const [experiment, runs] = await Promise.all([
    store.reads.selectFrom("Experiment").select("config").where("id", "=", input.experimentId).executeTakeFirst(),
    store.reads
      .selectFrom("Run")
      .select(["id", "seed", "status", "finishedAt"])
      .where("experimentId", "=", input.experimentId)
      .execute(),
  ]);
  // Deleted since the access check.
  if (experiment === undefined) throw AppError.notFound("experiment", input.experimentId);
  const configSeed = (JSON.parse(experiment.config) as Partial<ExperimentConfig>).seed ?? 0;

  const runsByStatus = Object.fromEntries(RUN_STATUSES.map((status) => [status, 0])) as Record<RunStatus, number>;
  for (const run of runs) runsByStatus[run.status as RunStatus] += 1;

  // A seed run twice (a run queued again with the same seed) counts once: its latest result.
  const latestBySeed = new Map<number, { id: string; finishedAt: number }>();
  const replacedRunIds: string[] = [];
  const succeeded = runs
    .filter((run) => run.status === "succeeded")
    .map((run) => ({ id: run.id, seed: run.seed ?? configSeed, finishedAt: timeOf(run.finishedAt) }))
    .sort((a, b) => a.finishedAt - b.finishedAt || (a.id < b.id ? -1 : 1));
  for (const run of succeeded) {
    const earlier = latestBySeed.get(run.seed);
    if (earlier !== undefined) replacedRunIds.push(earlier.id);
    latestBySeed.set(run.seed, run);
  }
  const seeds = [...latestBySeed.entries()]
    .map(([seed, run]) => ({ seed, runId: run.id }))
    .sort((a, b) => a.seed - b.seed);

  const rows =
    seeds.length === 0
      ? []
      : await store.reads
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
          .where(
            "runId",
            "in",
            seeds.map((seed) => seed.runId),
          )
          .orderBy("position", "asc")
          .orderBy("rowKey", "asc")
          .execute();
  const seedRuns: SeedRun[] = seeds.map(({ seed, runId }) => ({
    runId,
    seed,
    rows: rows
      .filter((row) => row.runId === runId)
      .map((row) => ({ ...row, status: row.status as SeedRun["rows"][number]["status"] })),
  }));

  const limit = input.maxWorstSeedDropPoints;
  const spread = seedSpread(seedRuns).map((row) => ({
    ...row,
    withinWorstSeedLimit: limit === undefined ? null : withinWorstSeedDrop(row, limit),
  }));
  return {
    experimentId: input.experimentId,
    seeds,
    runsByStatus,
    replacedRunIds,
    rows: spread,
    worstSeedLimit:
      limit === undefined
        ? null
        : { maxWorstSeedDropPoints: limit, smallest: smallestRowWithinWorstSeedDrop(spread, limit) },
  };
}

function timeOf(value: Date | string | number | null): number {
  return storedDateTimeOrNull(value)?.getTime() ?? 0;
}
