import { type StoreReads, storedDateTime, storedDateTimeOrNull } from "@deadweight/db";
import { objectId } from "@deadweight/protocol";
import { sql } from "kysely";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessProject } from "../../access/owned-objects.js";
import { dateRangeInput } from "../../inputs/date-range.js";
import { type Page, pageInput, pageQuery, toPage } from "../../pagination/cursor-page.js";
import type { Store } from "../../store/store.js";
import { type RunStatus, runStatusInput } from "../runs/run-status.js";
import { experimentTagsInput } from "./experiment-tags.js";
import type { ExperimentListItem } from "./experiment-view.js";

export const listExperimentsInput = pageInput.extend({
  projectId: objectId,
  sort: z
    .object({
      field: z.enum(["createdAt", "name"]).default("createdAt"),
      direction: z.enum(["asc", "desc"]).default("desc"),
    })
    .prefault({}),
  /** Experiments carrying every one of these tags. */
  tags: experimentTagsInput.optional(),
  dataset: z.string().trim().min(1, "must not be empty").optional(),
  /** Experiments having at least one run in this status. */
  status: runStatusInput.optional(),
  /** Case-insensitive substring of the name or the description. */
  search: z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters").optional(),
  created: dateRangeInput.optional(),
});
export type ListExperimentsInput = z.output<typeof listExperimentsInput>;

/**
 * A project's experiments, filtered, sorted and paginated (viewer or higher).
 *
 * On the read path: one query picks the page and returns each experiment with its creator, run count
 * and latest run; a second reads the page's tags. The search is a literal
 * substring ignoring case (% and _ match themselves). The page after a cursor holds the rows
 * strictly after the cursor's (sort field, id), whether or not the cursor's experiment still
 * matches the filters; a cursor naming no experiment gives an empty page.
 */
export async function listExperiments(
  store: Store,
  actor: UserActor,
  input: ListExperimentsInput,
): Promise<Page<ExperimentListItem>> {
  await accessProject(store, actor, input.projectId, "viewer");
  const rows = await experimentPageQuery(store.reads, input, store.dateParameter).execute();
  // Tags are written with their experiment, in one transaction, and never change: no snapshot needed.
  const tags =
    rows.length === 0
      ? []
      : await store.reads
          .selectFrom("ExperimentTag")
          .select(["experimentId", "tag"])
          .where(
            "experimentId",
            "in",
            rows.map((row) => row.id),
          )
          .orderBy("tag")
          .execute();
  const tagsOf = new Map<string, string[]>();
  for (const { experimentId, tag } of tags) {
    const list = tagsOf.get(experimentId) ?? [];
    list.push(tag);
    tagsOf.set(experimentId, list);
  }
  return toPage(
    rows.map((row) => toListItem(row, tagsOf.get(row.id) ?? [])),
    input,
  );
}

function experimentPageQuery(
  reads: StoreReads,
  input: ListExperimentsInput,
  dateParameter: (date: Date) => Date | string,
) {
  const column = input.sort.field;
  const direction = input.sort.direction;
  let page = reads.selectFrom("Experiment as e").select("e.id").where("e.projectId", "=", input.projectId);
  if (input.dataset !== undefined) page = page.where("e.dataset", "=", input.dataset);
  if (input.status !== undefined) {
    const status = input.status;
    page = page.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("Run as r").select("r.id").whereRef("r.experimentId", "=", "e.id").where("r.status", "=", status),
      ),
    );
  }
  if (input.created?.from !== undefined) page = page.where("e.createdAt", ">=", dateParameter(input.created.from));
  if (input.created?.to !== undefined) page = page.where("e.createdAt", "<=", dateParameter(input.created.to));
  // Every wanted tag is present.
  for (const tag of input.tags ?? []) {
    page = page.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("ExperimentTag as t")
          .select("t.tag")
          .whereRef("t.experimentId", "=", "e.id")
          .where("t.tag", "=", tag),
      ),
    );
  }
  if (input.search !== undefined) {
    const pattern = `%${likeLiteral(input.search.toLowerCase())}%`;
    page = page.where(
      sql<boolean>`(lower(${sql.ref("e.name")}) LIKE ${pattern} ESCAPE '\\' OR lower(${sql.ref("e.description")}) LIKE ${pattern} ESCAPE '\\')`,
    );
  }
  if (input.cursor !== undefined) {
    // Strictly after the cursor's row, not "from it, skipping one" (Prisma's way): when the cursor's
    // experiment no longer matches the filters, skipping one would drop a row that does. A cursor
    // naming no experiment compares with NULL, so the page is empty.
    const after = direction === "asc" ? sql.raw(">") : sql.raw("<");
    page = page.where(
      sql<boolean>`(${sql.ref(`e.${column}`)}, ${sql.ref("e.id")}) ${after} (SELECT ${sql.ref(`c.${column}`)}, ${sql.ref("c.id")} FROM ${sql.table("Experiment")} c WHERE ${sql.ref("c.id")} = ${input.cursor})`,
    );
  }
  const chosen = page
    .orderBy(`e.${column}`, direction)
    .orderBy("e.id", direction)
    .limit(pageQuery(input).take)
    .as("page");
  // The page is chosen on the experiments alone, so the per-experiment subqueries run only for its rows.
  return reads
    .selectFrom(chosen)
    .innerJoin("Experiment as x", "x.id", "page.id")
    .innerJoin("user as u", "u.id", "x.createdById")
    .leftJoin("Run as lr", (join) =>
      join.on((eb) =>
        eb(
          "lr.id",
          "=",
          eb
            .selectFrom("Run as r")
            .select("r.id")
            .whereRef("r.experimentId", "=", "x.id")
            .orderBy("r.queuedAt", "desc")
            .orderBy("r.id", "desc")
            .limit(1),
        ),
      ),
    )
    .select((eb) => [
      "x.id",
      "x.projectId",
      "x.name",
      "x.description",
      "x.dataset",
      "x.createdAt",
      "x.updatedAt",
      "u.id as creatorId",
      "u.name as creatorName",
      eb
        .selectFrom("Run as r")
        .select((count) => count.fn.countAll<number | string | bigint>().as("n"))
        .whereRef("r.experimentId", "=", "x.id")
        .as("runCount"),
      "lr.id as runId",
      "lr.seed as runSeed",
      "lr.status as runStatus",
      "lr.attempt as runAttempt",
      "lr.stage as runStage",
      "lr.queuedAt as runQueuedAt",
      "lr.startedAt as runStartedAt",
      "lr.finishedAt as runFinishedAt",
    ])
    .orderBy(`x.${column}`, direction)
    .orderBy("x.id", direction);
}

/** `text` matched literally inside a LIKE pattern that declares ESCAPE '\'. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

type ExperimentPageRow = Awaited<ReturnType<ReturnType<typeof experimentPageQuery>["execute"]>>[number];

function toListItem(row: ExperimentPageRow, tags: string[]): ExperimentListItem {
  return {
    id: row.id,
    projectId: row.projectId,
    name: row.name,
    description: row.description,
    dataset: row.dataset,
    createdAt: storedDateTime(row.createdAt),
    updatedAt: storedDateTime(row.updatedAt),
    createdBy: { id: row.creatorId, name: row.creatorName },
    tags,
    // PostgreSQL counts in bigint, which its driver returns as text.
    runCount: Number(row.runCount ?? 0),
    latestRun:
      row.runId === null
        ? null
        : {
            id: row.runId,
            experimentId: row.id,
            seed: row.runSeed,
            status: row.runStatus as RunStatus,
            attempt: row.runAttempt as number,
            stage: row.runStage,
            queuedAt: storedDateTime(row.runQueuedAt as Date | string | number),
            startedAt: storedDateTimeOrNull(row.runStartedAt),
            finishedAt: storedDateTimeOrNull(row.runFinishedAt),
          },
  };
}
