import {
  type SeedSpreadRow,
  seedSpread,
  smallestRowWithinWorstSeedDrop,
  withinWorstSeedDrop,
} from "@deadweight/core/tensor-free";
import { objectId } from "@deadweight/protocol";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessExperiment } from "../../access/owned-objects.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";
import type { RunStatus } from "../runs/run-status.js";
import { readSeedRuns } from "./read-seed-runs.js";

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
  const read = (await readSeedRuns(store, [input.experimentId])).get(input.experimentId);
  // Deleted since the access check.
  if (read === undefined) throw AppError.notFound("experiment", input.experimentId);
  const { seedRuns, runsByStatus, replacedRunIds } = read;
  const seeds = seedRuns.map(({ seed, runId }) => ({ seed, runId }));

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
