import type { BaseModelMetrics } from "@deadweight/core";
import { type Db, readConnectionFor, storedBoolean } from "@deadweight/db";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessRun } from "../../access/owned-objects.js";
import { AppError } from "../../errors/app-error.js";
import { objectId } from "../../inputs/object-id.js";
import { type ResultRowView, toResultRowView } from "./result-row-view.js";

export const getRunResultsInput = z.object({ runId: objectId });
export type GetRunResultsInput = z.output<typeof getRunResultsInput>;

export interface RunResults {
  readonly runId: string;
  /** The unpruned model every row is compared against; null until the worker reports. */
  readonly base: BaseModelMetrics | null;
  /** In sweep order. */
  readonly rows: ResultRowView[];
}

const BASE_METRICS_SQL = `SELECT "baseMetrics" FROM "Run" WHERE "id" = ?`;

// Every stored field of a result row (result-row-view.ts's resultRowSelect), in sweep order.
const RESULT_ROWS_SQL = `SELECT "id", "runId", "rowKey", "position", "threshold", "status", "note", "keptNeurons",
  "keptNeuronTotal", "parameters", "bytes", "validationAccuracy", "testAccuracy", "validationAccuracyDrop",
  "testAccuracyDrop", "parameterReductionPercent", "neuronReductionPercent", "latencyMsPerSample", "pareto",
  "recovery", "bundles"
FROM "ResultRow" WHERE "runId" = ? ORDER BY "position" ASC, "rowKey" ASC`;

type StoredResultRow = Omit<
  ResultRowView,
  "threshold" | "keptNeurons" | "status" | "pareto" | "recovery" | "bundles"
> & {
  threshold: string;
  keptNeurons: string;
  status: string;
  pareto: number;
  recovery: string | null;
  bundles: string | null;
};

/**
 * A run's sweep results, every field, in sweep order (viewer or higher). Read on the read
 * connection (see @deadweight/db's read-connection.ts for why not Prisma), in one snapshot so the
 * base metrics and the rows come from the same upload.
 */
export async function getRunResults(db: Db, actor: UserActor, input: GetRunResultsInput): Promise<RunResults> {
  await accessRun(db, actor, input.runId, "viewer");
  const reader = readConnectionFor(db);
  const { run, rows } = reader.snapshot(() => ({
    run: reader.get<{ baseMetrics: string | null }>(BASE_METRICS_SQL, [input.runId]),
    rows: reader.all<StoredResultRow>(RESULT_ROWS_SQL, [input.runId]),
  }));
  // Deleted since the access check.
  if (run === undefined) throw AppError.notFound("run", input.runId);
  return {
    runId: input.runId,
    base: run.baseMetrics === null ? null : (JSON.parse(run.baseMetrics) as BaseModelMetrics),
    rows: rows.map((row) => toResultRowView({ ...row, pareto: storedBoolean(row.pareto) })),
  };
}
