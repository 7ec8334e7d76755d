import type { BaseModelMetrics } from "@deadweight/core";
import { type StoreReads, storedDateTime } from "@deadweight/db";
import { objectId } from "@deadweight/protocol";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { requireTeamRole } from "../../access/team-roles.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";
import type { RunStatus } from "../runs/run-status.js";
import { MAX_COMPARED_RUNS } from "./compare-limits.js";
import { type ConfigField, configDifferences } from "./config-differences.js";
import { parsedConfig } from "./parsed-configs.js";
import { type SizeAxis, type TradeOffColumns, tradeOffPoints } from "./trade-off-points.js";

export { MAX_COMPARED_RUNS } from "./compare-limits.js";
export type { ConfigField } from "./config-differences.js";
export type { TradeOffColumns } from "./trade-off-points.js";

export const compareRunsInput = z.object({
  runIds: z
    .array(objectId)
    .min(1, "give at least one run")
    .max(
      MAX_COMPARED_RUNS,
      `compare at most ${MAX_COMPARED_RUNS} runs at once: leave some out of the selection, or compare them in groups`,
    )
    .refine((ids) => new Set(ids).size === ids.length, "each run may appear only once"),
  /** The x axis of the trade-off series. */
  size: z.enum(["bytes", "parameters"]).default("bytes"),
  /**
   * Which points of each run: its frontier (what the overlay draws, and all the best-row-per-budget
   * table needs) or every measured row.
   */
  points: z.enum(["frontier", "all"]).default("frontier"),
});
export type CompareRunsInput = z.output<typeof compareRunsInput>;

export interface ComparedRun {
  readonly runId: string;
  readonly experimentId: string;
  readonly experimentName: string;
  readonly projectId: string;
  readonly status: RunStatus;
  readonly seed: number | null;
  readonly queuedAt: Date;
  readonly base: BaseModelMetrics | null;
}

export interface TradeOffSeries {
  readonly runId: string;
  /** The unpruned model on the same axes; null until the worker reports. */
  readonly base: { readonly size: number; readonly validationAccuracy: number; readonly testAccuracy: number } | null;
  /**
   * The run's frontier (the points no other point beats on both size and validation accuracy), or
   * with `points: "all"` every measured row ("ok" status) with the frontier marked; smallest first.
   */
  readonly points: TradeOffColumns;
}

export interface RunComparison {
  readonly size: SizeAxis;
  /** Which points each series holds: the frontier only, or every measured row. */
  readonly points: "frontier" | "all";
  /** In the order the ids were given; every per-run array below follows it. */
  readonly runs: ComparedRun[];
  /** Each run's configuration (its own seed in place of the experiment's), flattened and lined up. */
  readonly config: ConfigField[];
  readonly series: TradeOffSeries[];
}

/**
 * Lines up runs from one or several experiments (viewer or higher on each): their configurations
 * with the differing fields marked, and their size/accuracy trade-offs ready to overlay on one
 * plot. Any run the actor cannot read is NOT_FOUND, named, exactly as if it did not exist.
 */
export async function compareRuns(store: Store, actor: UserActor, input: CompareRunsInput): Promise<RunComparison> {
  // One query for all runs instead of one access check each: compare must stay fast at 200 runs.
  const stored = await storedRunsQuery(store.reads, input.runIds);
  const byId = new Map(stored.map((run) => [run.id, run]));
  // In the order given, so the id named is the first unreadable one whether it is missing or
  // another team's: which id gets named must not reveal that a foreign run exists.
  const readableTeams = new Set<string>();
  const runs: StoredRun[] = [];
  for (const id of input.runIds) {
    const run = byId.get(id);
    if (run === undefined) throw AppError.notFound("run", id);
    if (!readableTeams.has(run.teamId)) {
      await requireTeamRole(store, actor, run.teamId, "viewer", { type: "run", id });
      readableTeams.add(run.teamId);
    }
    runs.push(run);
  }

  // Only now that every run is known to be readable are their rows read.
  const tradeOffs = await tradeOffPoints(store.reads, store.tradeOffs, input.runIds, input.size);
  const bases = runs.map((run) =>
    run.baseMetrics === null ? null : (JSON.parse(run.baseMetrics) as BaseModelMetrics),
  );
  const configs = runs.map((run) => {
    const config = parsedConfig(run.config);
    return run.seed === null ? config : { ...config, seed: run.seed };
  });
  return {
    size: input.size,
    points: input.points,
    runs: runs.map((run, i) => ({
      runId: run.id,
      experimentId: run.experimentId,
      experimentName: run.experimentName,
      projectId: run.projectId,
      status: run.status as RunStatus,
      seed: run.seed,
      queuedAt: storedDateTime(run.queuedAt),
      base: bases[i] ?? null,
    })),
    config: configDifferences(configs),
    series: runs.map((run, i) => {
      const base = bases[i] ?? null;
      return {
        runId: run.id,
        base:
          base === null
            ? null
            : { size: base[input.size], validationAccuracy: base.validationAccuracy, testAccuracy: base.testAccuracy },
        points: tradeOffs.get(run.id)?.[input.points] ?? NO_POINTS,
      };
    }),
  };
}

const NO_POINTS: TradeOffColumns = Object.freeze({
  rowKeys: [],
  sizes: [],
  validationAccuracies: [],
  testAccuracies: [],
  onFrontier: null,
});

function storedRunsQuery(reads: StoreReads, runIds: readonly string[]) {
  return reads
    .selectFrom("Run as r")
    .innerJoin("Experiment as e", "e.id", "r.experimentId")
    .innerJoin("Project as p", "p.id", "e.projectId")
    .select([
      "r.id",
      "r.status",
      "r.seed",
      "r.queuedAt",
      "r.baseMetrics",
      "e.id as experimentId",
      "e.name as experimentName",
      "e.projectId",
      "e.config",
      "p.teamId",
    ])
    .where("r.id", "in", runIds)
    .execute();
}

type StoredRun = Awaited<ReturnType<typeof storedRunsQuery>>[number];
