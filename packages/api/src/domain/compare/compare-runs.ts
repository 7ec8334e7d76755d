import { type BaseModelMetrics, paretoFrontier } from "@deadweight/core";
import type { Db } from "@deadweight/db";
import type { ExperimentConfig } from "@deadweight/experiment-config";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { requireTeamRole } from "../../access/team-roles.js";
import { AppError } from "../../errors/app-error.js";
import { objectId } from "../../inputs/object-id.js";
import type { RunStatus } from "../runs/run-status.js";
import { type ConfigField, configDifferences } from "./config-differences.js";

export const compareRunsInput = z.object({
  runIds: z
    .array(objectId)
    .min(1, "give at least one run")
    .max(50, "compare at most 50 runs at once")
    .refine((ids) => new Set(ids).size === ids.length, "each run may appear only once"),
  /** The x axis of the trade-off series. */
  size: z.enum(["bytes", "parameters"]).default("bytes"),
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

/** One measured threshold of a run, on the chosen size axis. */
export interface TradeOffPointView {
  readonly rowKey: string;
  readonly resultRowId: string;
  readonly size: number;
  readonly validationAccuracy: number;
  readonly testAccuracy: number;
  /** On this run's frontier of validation accuracy vs size. */
  readonly onFrontier: boolean;
}

export interface TradeOffSeries {
  readonly runId: string;
  /** The unpruned model on the same axes; null until the worker reports. */
  readonly base: { readonly size: number; readonly validationAccuracy: number; readonly testAccuracy: number } | null;
  /** Every measured row ("ok" status), smallest first. */
  readonly points: TradeOffPointView[];
  /** The points no other point of the run beats on both size and validation accuracy, smallest first. */
  readonly frontier: TradeOffPointView[];
}

export interface RunComparison {
  readonly size: "bytes" | "parameters";
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
export async function compareRuns(db: Db, actor: UserActor, input: CompareRunsInput): Promise<RunComparison> {
  // One query for all runs instead of one access check each: compare must stay fast at 50 runs.
  const stored = await db.run.findMany({
    where: { id: { in: input.runIds } },
    select: {
      id: true,
      status: true,
      seed: true,
      queuedAt: true,
      baseMetrics: true,
      experiment: {
        select: { id: true, name: true, projectId: true, config: true, project: { select: { teamId: true } } },
      },
      resultRows: {
        where: { status: "ok", validationAccuracy: { not: null }, testAccuracy: { not: null } },
        select: { id: true, rowKey: true, bytes: true, parameters: true, validationAccuracy: true, testAccuracy: true },
      },
    },
  });
  const byId = new Map(stored.map((run) => [run.id, run]));
  // In the order given, so the id named is the first unreadable one whether it is missing or
  // another team's: which id gets named must not reveal that a foreign run exists.
  const readableTeams = new Set<string>();
  const runs = [];
  for (const id of input.runIds) {
    const run = byId.get(id);
    if (run === undefined) throw AppError.notFound("run", id);
    const teamId = run.experiment.project.teamId;
    if (!readableTeams.has(teamId)) {
      await requireTeamRole(db, actor, teamId, "viewer", { type: "run", id });
      readableTeams.add(teamId);
    }
    runs.push(run);
  }

  const configs = runs.map((run) => {
    const config = JSON.parse(run.experiment.config) as ExperimentConfig;
    return run.seed === null ? config : { ...config, seed: run.seed };
  });
  return {
    size: input.size,
    runs: runs.map((run) => ({
      runId: run.id,
      experimentId: run.experiment.id,
      experimentName: run.experiment.name,
      projectId: run.experiment.projectId,
      status: run.status as RunStatus,
      seed: run.seed,
      queuedAt: run.queuedAt,
      base: run.baseMetrics === null ? null : (JSON.parse(run.baseMetrics) as BaseModelMetrics),
    })),
    config: configDifferences(configs),
    series: runs.map((run) => tradeOffSeries(run, input.size)),
  };
}

interface StoredRunForSeries {
  readonly id: string;
  readonly baseMetrics: string | null;
  readonly resultRows: ReadonlyArray<{
    readonly id: string;
    readonly rowKey: string;
    readonly bytes: number;
    readonly parameters: number;
    readonly validationAccuracy: number | null;
    readonly testAccuracy: number | null;
  }>;
}

function tradeOffSeries(run: StoredRunForSeries, size: "bytes" | "parameters"): TradeOffSeries {
  const measured = run.resultRows
    .map((row) => ({
      rowKey: row.rowKey,
      resultRowId: row.id,
      size: row[size],
      validationAccuracy: row.validationAccuracy as number,
      testAccuracy: row.testAccuracy as number,
    }))
    // Ties on size by row key, so the order (and a plot's line) is the same on every call.
    .sort((a, b) => a.size - b.size || a.rowKey.localeCompare(b.rowKey));
  // Validation accuracy, as in the core's sweep: the frontier is chosen without looking at the test set.
  const frontier = paretoFrontier(measured.map((point) => ({ size: point.size, accuracy: point.validationAccuracy })));
  const points = measured.map((point, i) => ({ ...point, onFrontier: frontier.has(i) }));
  const base = run.baseMetrics === null ? null : (JSON.parse(run.baseMetrics) as BaseModelMetrics);
  return {
    runId: run.id,
    base:
      base === null
        ? null
        : { size: base[size], validationAccuracy: base.validationAccuracy, testAccuracy: base.testAccuracy },
    points,
    frontier: points.filter((point) => point.onFrontier),
  };
}
