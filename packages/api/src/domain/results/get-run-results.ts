import type { BaseModelMetrics } from "@deadweight/core";
import type { Db } from "@deadweight/db";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessRun } from "../../access/owned-objects.js";
import { objectId } from "../../inputs/object-id.js";
import { type ResultRowView, resultRowSelect, toResultRowView } from "./result-row-view.js";

export const getRunResultsInput = z.object({ runId: objectId });
export type GetRunResultsInput = z.output<typeof getRunResultsInput>;

export interface RunResults {
  readonly runId: string;
  /** The unpruned model every row is compared against; null until the worker reports. */
  readonly base: BaseModelMetrics | null;
  /** In sweep order. */
  readonly rows: ResultRowView[];
}

/** A run's sweep results, every field, in sweep order (viewer or higher). */
export async function getRunResults(db: Db, actor: UserActor, input: GetRunResultsInput): Promise<RunResults> {
  await accessRun(db, actor, input.runId, "viewer");
  const [run, rows] = await Promise.all([
    db.run.findUniqueOrThrow({ where: { id: input.runId }, select: { baseMetrics: true } }),
    db.resultRow.findMany({
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
