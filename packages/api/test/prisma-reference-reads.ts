import { type BaseModelMetrics, paretoFrontier } from "@deadweight/core";
import type { Prisma } from "@deadweight/db";
import type { ExperimentConfig } from "@deadweight/experiment-config";
import type { UserActor } from "../src/access/actor.js";
import { accessProject, accessRun } from "../src/access/owned-objects.js";
import { requireTeamRole } from "../src/access/team-roles.js";
import type { CompareRunsInput, RunComparison, TradeOffSeries } from "../src/domain/compare/compare-runs.js";
import { configDifferences } from "../src/domain/compare/config-differences.js";
import { experimentListSelect, toExperimentListItem } from "../src/domain/experiments/experiment-view.js";
import type { ListExperimentsInput } from "../src/domain/experiments/list-experiments.js";
import type { GetRunResultsInput, RunResults } from "../src/domain/results/get-run-results.js";
import { resultRowSelect, toResultRowView } from "../src/domain/results/result-row-view.js";
import type { RunStatus } from "../src/domain/runs/run-status.js";
import { AppError } from "../src/errors/app-error.js";
import { dateRangeWhere } from "../src/inputs/date-range.js";
import { toPage } from "../src/pagination/cursor-page.js";
import type { Store } from "../src/store/store.js";

/**
 * The three hot reads as they were written with Prisma before they moved to the read connection
 * (same queries, same mapping): the reference the read-path equivalence tests compare with. The
 * experiment list differs from the Prisma query it replaced in two fixes, made here too: the search
 * is a literal substring (Prisma's `contains` let % and _ act as wildcards), and the page after a
 * cursor starts strictly after it (Prisma's cursor-then-skip-one dropped a real row when the
 * cursor's experiment no longer matched the filters).
 */

export async function listExperimentsWithPrisma(store: Store, actor: UserActor, input: ListExperimentsInput) {
  await accessProject(store, actor, input.projectId, "viewer");
  const createdAt = dateRangeWhere(input.created);
  const where: Prisma.ExperimentWhereInput = {
    projectId: input.projectId,
    ...(input.dataset === undefined ? {} : { dataset: input.dataset }),
    ...(input.status === undefined ? {} : { runs: { some: { status: input.status } } }),
    ...(createdAt === undefined ? {} : { createdAt }),
    AND: [
      ...(input.tags ?? []).map((tag) => ({ tags: { some: { tag } } })),
      ...(input.search === undefined
        ? []
        : [{ id: { in: await idsContainingLiterally(store, input.projectId, input.search) } }]),
      // Prisma's cursor includes the cursor's row: leave it out instead of skipping one row.
      ...(input.cursor === undefined ? [] : [{ id: { not: input.cursor } }]),
    ],
  };
  const { field, direction } = input.sort;
  const rows = await store.db.experiment.findMany({
    where,
    orderBy: [{ [field]: direction }, { id: direction }],
    select: experimentListSelect,
    take: input.limit + 1,
    ...(input.cursor === undefined ? {} : { cursor: { id: input.cursor } }),
  });
  return toPage(rows.map(toExperimentListItem), input);
}

/** The project's experiments whose name or description contains `search`, ignoring ASCII case only (as LIKE does). */
async function idsContainingLiterally(store: Store, projectId: string, search: string): Promise<string[]> {
  const asciiLower = (text: string) => text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
  const wanted = asciiLower(search);
  const experiments = await store.db.experiment.findMany({
    where: { projectId },
    select: { id: true, name: true, description: true },
  });
  return experiments
    .filter(({ name, description }) => asciiLower(name).includes(wanted) || asciiLower(description).includes(wanted))
    .map(({ id }) => id);
}

export async function getRunResultsWithPrisma(
  store: Store,
  actor: UserActor,
  input: GetRunResultsInput,
): Promise<RunResults> {
  await accessRun(store, actor, input.runId, "viewer");
  const [run, rows] = await Promise.all([
    store.db.run.findUniqueOrThrow({ where: { id: input.runId }, select: { baseMetrics: true } }),
    store.db.resultRow.findMany({
      where: { runId: input.runId },
      orderBy: [{ position: "asc" }, { rowKey: "asc" }],
      select: resultRowSelect,
    }),
  ]);
  return {
    runId: input.runId,
    base: run.baseMetrics === null ? null : (JSON.parse(run.baseMetrics) as BaseModelMetrics),
    rows: rows.map(toResultRowView),
  };
}

export async function compareRunsWithPrisma(
  store: Store,
  actor: UserActor,
  input: CompareRunsInput,
): Promise<RunComparison> {
  const stored = await store.db.run.findMany({
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
  const readableTeams = new Set<string>();
  const runs = [];
  for (const id of input.runIds) {
    const run = byId.get(id);
    if (run === undefined) throw AppError.notFound("run", id);
    const teamId = run.experiment.project.teamId;
    if (!readableTeams.has(teamId)) {
      await requireTeamRole(store, actor, teamId, "viewer", { type: "run", id });
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
    points: input.points,
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
    series: runs.map((run) => tradeOffSeries(run, input.size, input.points)),
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

function tradeOffSeries(
  run: StoredRunForSeries,
  size: "bytes" | "parameters",
  which: "frontier" | "all",
): TradeOffSeries {
  const measured = run.resultRows
    .map((row) => ({
      rowKey: row.rowKey,
      resultRowId: row.id,
      size: row[size],
      validationAccuracy: row.validationAccuracy as number,
      testAccuracy: row.testAccuracy as number,
    }))
    .sort((a, b) => a.size - b.size || a.rowKey.localeCompare(b.rowKey));
  const frontier = paretoFrontier(measured.map((point) => ({ size: point.size, accuracy: point.validationAccuracy })));
  const points = measured
    .map((point, i) => ({ ...point, onFrontier: frontier.has(i) }))
    .filter((point) => which === "all" || point.onFrontier);
  const base = run.baseMetrics === null ? null : (JSON.parse(run.baseMetrics) as BaseModelMetrics);
  return {
    runId: run.id,
    base:
      base === null
        ? null
        : { size: base[size], validationAccuracy: base.validationAccuracy, testAccuracy: base.testAccuracy },
    points: {
      rowKeys: points.map((point) => point.rowKey),
      sizes: points.map((point) => point.size),
      validationAccuracies: points.map((point) => point.validationAccuracy),
      testAccuracies: points.map((point) => point.testAccuracy),
      onFrontier: which === "all" ? points.map((point) => point.onFrontier) : null,
    },
  };
}

/**
 * Who owns an object (team, project and the ids between), as the access checks read it with Prisma
 * before those lookups moved to the read connection; null when there is no such object.
 */
export async function ownerWithPrisma(
  store: Store,
  kind: "project" | "experiment" | "run" | "result-row" | "artifact",
  id: string,
) {
  const experimentOwner = { select: { projectId: true, project: { select: { teamId: true } } } } as const;
  switch (kind) {
    case "project": {
      const project = await store.db.project.findUnique({ where: { id }, select: { id: true, teamId: true } });
      return project === null ? null : { teamId: project.teamId, projectId: project.id };
    }
    case "experiment": {
      const experiment = await store.db.experiment.findUnique({ where: { id }, select: experimentOwner.select });
      return experiment === null ? null : { teamId: experiment.project.teamId, projectId: experiment.projectId };
    }
    case "run": {
      const run = await store.db.run.findUnique({
        where: { id },
        select: { experimentId: true, experiment: experimentOwner },
      });
      return run === null
        ? null
        : {
            teamId: run.experiment.project.teamId,
            projectId: run.experiment.projectId,
            experimentId: run.experimentId,
          };
    }
    case "result-row": {
      const row = await store.db.resultRow.findUnique({
        where: { id },
        select: { runId: true, run: { select: { experiment: experimentOwner } } },
      });
      return row === null
        ? null
        : { teamId: row.run.experiment.project.teamId, projectId: row.run.experiment.projectId, runId: row.runId };
    }
    case "artifact": {
      const artifact = await store.db.artifact.findUnique({
        where: { id },
        select: { runId: true, run: { select: { experiment: experimentOwner } } },
      });
      return artifact === null
        ? null
        : {
            teamId: artifact.run.experiment.project.teamId,
            projectId: artifact.run.experiment.projectId,
            runId: artifact.runId,
          };
    }
  }
}
