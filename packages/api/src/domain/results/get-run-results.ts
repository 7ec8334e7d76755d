import type { BaseModelMetrics } from "@deadweight/core";
import { storedBoolean } from "@deadweight/db";
import { objectId } from "@deadweight/protocol";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessRun } from "../../access/owned-objects.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";
import { RESULT_ROW_COLUMNS, type ResultRowView, toResultRowView } from "./result-row-view.js";

export const getRunResultsInput = z.object({ runId: objectId });
export type GetRunResultsInput = z.output<typeof getRunResultsInput>;

export interface RunResults {
  readonly runId: string;
  /** The unpruned model every row is compared against; null until the worker reports. */
  readonly base: BaseModelMetrics | null;
  /** In sweep order. */
  readonly rows: ResultRowView[];
}

/**
 * A run's sweep results, every field, in sweep order (viewer or higher). Read on the read path
 * (Prisma's own per-query work dominated this hot read).
 */
export async function getRunResults(store: Store, actor: UserActor, input: GetRunResultsInput): Promise<RunResults> {
  await accessRun(store, actor, input.runId, "viewer");
  // One statement (each row with its run's base metrics), so the base metrics and the rows come from
  // the same upload without a transaction (on PostgreSQL a snapshot costs two more round trips). A
  // run with no rows yet reads its base metrics alone.
  const rows = await store.reads
    .selectFrom("ResultRow as x")
    .innerJoin("Run as r", "r.id", "x.runId")
    .select("r.baseMetrics")
    .select(RESULT_ROW_COLUMNS.map((column) => `x.${column}` as const))
    .where("x.runId", "=", input.runId)
    .orderBy("x.position", "asc")
    .orderBy("x.rowKey", "asc")
    .execute();
  const run =
    rows[0] ??
    (await store.reads.selectFrom("Run").select("baseMetrics").where("id", "=", input.runId).executeTakeFirst());
  // Deleted since the access check.
  if (run === undefined) throw AppError.notFound("run", input.runId);
  return {
    runId: input.runId,
    base: run.baseMetrics === null ? null : (JSON.parse(run.baseMetrics) as BaseModelMetrics),
    rows: rows.map(({ baseMetrics: _base, ...row }) => toResultRowView({ ...row, pareto: storedBoolean(row.pareto) })),
  };
}
