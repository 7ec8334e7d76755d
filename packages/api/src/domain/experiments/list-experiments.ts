import { type Db, dateTimeParameter, readConnectionFor, storedDateTime, storedDateTimeOrNull } from "@deadweight/db";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessProject } from "../../access/owned-objects.js";
import { dateRangeInput } from "../../inputs/date-range.js";
import { objectId } from "../../inputs/object-id.js";
import { type Page, pageInput, pageQuery, toPage } from "../../pagination/cursor-page.js";
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
 * One SQL statement on the read connection (see @deadweight/db's read-connection.ts for why not
 * Prisma) returns the page with each experiment's creator, tags, run count and latest run. The
 * search is a literal substring ignoring ASCII case (SQLite's LIKE with % and _ escaped). The page
 * after a cursor holds the rows strictly after the cursor's (sort field, id), whether or not the
 * cursor's experiment still matches the filters; a cursor naming no experiment gives an empty page.
 */
export async function listExperiments(
  db: Db,
  actor: UserActor,
  input: ListExperimentsInput,
): Promise<Page<ExperimentListItem>> {
  await accessProject(db, actor, input.projectId, "viewer");
  const { sql, parameters } = experimentPageStatement(input);
  const rows = readConnectionFor(db).tuples<ExperimentPageRow>(sql, parameters);
  return toPage(rows.map(toListItem), input);
}

// Only these two strings are ever spliced into the SQL, so the statement texts form a small set
// and each is prepared once.
const SORT_COLUMNS = { createdAt: `"createdAt"`, name: `"name"` } as const;

function experimentPageStatement(input: ListExperimentsInput): { sql: string; parameters: unknown[] } {
  const conditions = [`e."projectId" = ?`];
  const parameters: unknown[] = [input.projectId];
  if (input.dataset !== undefined) {
    conditions.push(`e."dataset" = ?`);
    parameters.push(input.dataset);
  }
  if (input.status !== undefined) {
    conditions.push(`EXISTS (SELECT 1 FROM "Run" r WHERE r."experimentId" = e."id" AND r."status" = ?)`);
    parameters.push(input.status);
  }
  if (input.created?.from !== undefined) {
    conditions.push(`e."createdAt" >= ?`);
    parameters.push(dateTimeParameter(input.created.from));
  }
  if (input.created?.to !== undefined) {
    conditions.push(`e."createdAt" <= ?`);
    parameters.push(dateTimeParameter(input.created.to));
  }
  if (input.tags !== undefined && input.tags.length > 0) {
    // Every wanted tag is present: no wanted tag lacks a matching row.
    conditions.push(
      `NOT EXISTS (SELECT 1 FROM json_each(?) wanted WHERE NOT EXISTS (SELECT 1 FROM "ExperimentTag" t WHERE t."experimentId" = e."id" AND t."tag" = wanted.value))`,
    );
    parameters.push(JSON.stringify(input.tags));
  }
  if (input.search !== undefined) {
    const pattern = `%${likeLiteral(input.search)}%`;
    conditions.push(`(e."name" LIKE ? ESCAPE '\\' OR e."description" LIKE ? ESCAPE '\\')`);
    parameters.push(pattern, pattern);
  }
  const column = SORT_COLUMNS[input.sort.field];
  const direction = input.sort.direction === "asc" ? "ASC" : "DESC";
  if (input.cursor !== undefined) {
    // Strictly after the cursor's row, not "from it, skipping one" (Prisma's way): when the cursor's
    // experiment no longer matches the filters, skipping one would drop a row that does. A cursor
    // naming no experiment compares with NULL, so the page is empty.
    conditions.push(
      `(e.${column}, e."id") ${direction === "ASC" ? ">" : "<"} (SELECT c.${column}, c."id" FROM "Experiment" c WHERE c."id" = ?)`,
    );
    parameters.push(input.cursor);
  }
  parameters.push(pageQuery(input).take);
  // The page is chosen on the experiments alone, so the per-experiment subqueries run only for its
  // rows. The columns are in the order of ExperimentPageRow.
  const sql = `SELECT x."id", x."projectId", x."name", x."description", x."dataset", x."createdAt", x."updatedAt",
  u."id" AS "creatorId", u."name" AS "creatorName",
  (SELECT json_group_array(t."tag" ORDER BY t."tag") FROM "ExperimentTag" t WHERE t."experimentId" = x."id") AS "tags",
  (SELECT COUNT(*) FROM "Run" r WHERE r."experimentId" = x."id") AS "runCount",
  lr."id" AS "runId", lr."seed" AS "runSeed", lr."status" AS "runStatus", lr."attempt" AS "runAttempt",
  lr."stage" AS "runStage", lr."queuedAt" AS "runQueuedAt", lr."startedAt" AS "runStartedAt",
  lr."finishedAt" AS "runFinishedAt"
FROM (SELECT e."id" FROM "Experiment" e WHERE ${conditions.join(" AND ")}
      ORDER BY e.${column} ${direction}, e."id" ${direction} LIMIT ?) page
JOIN "Experiment" x ON x."id" = page."id"
JOIN "user" u ON u."id" = x."createdById"
LEFT JOIN "Run" lr ON lr."id" = (SELECT r."id" FROM "Run" r WHERE r."experimentId" = x."id" ORDER BY r."queuedAt" DESC, r."id" DESC LIMIT 1)
ORDER BY x.${column} ${direction}, x."id" ${direction}`;
  return { sql, parameters };
}

/** `text` matched literally inside a LIKE pattern that declares ESCAPE '\'. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

type StoredDateTime = string | number;

/** The columns the page statement selects, in order (read as tuples: no object per row). */
type ExperimentPageRow = [
  id: string,
  projectId: string,
  name: string,
  description: string,
  dataset: string,
  createdAt: StoredDateTime,
  updatedAt: StoredDateTime,
  creatorId: string,
  creatorName: string,
  /** JSON array, sorted. */
  tags: string,
  runCount: number,
  runId: string | null,
  runSeed: number | null,
  runStatus: string | null,
  runAttempt: number | null,
  runStage: string | null,
  runQueuedAt: StoredDateTime | null,
  runStartedAt: StoredDateTime | null,
  runFinishedAt: StoredDateTime | null,
];

function toListItem([
  id,
  projectId,
  name,
  description,
  dataset,
  createdAt,
  updatedAt,
  creatorId,
  creatorName,
  tags,
  runCount,
  runId,
  runSeed,
  runStatus,
  runAttempt,
  runStage,
  runQueuedAt,
  runStartedAt,
  runFinishedAt,
]: ExperimentPageRow): ExperimentListItem {
  return {
    id,
    projectId,
    name,
    description,
    dataset,
    createdAt: storedDateTime(createdAt),
    updatedAt: storedDateTime(updatedAt),
    createdBy: { id: creatorId, name: creatorName },
    tags: JSON.parse(tags) as string[],
    runCount,
    latestRun:
      runId === null
        ? null
        : {
            id: runId,
            experimentId: id,
            seed: runSeed,
            status: runStatus as RunStatus,
            attempt: runAttempt as number,
            stage: runStage,
            queuedAt: storedDateTime(runQueuedAt as StoredDateTime),
            startedAt: storedDateTimeOrNull(runStartedAt),
            finishedAt: storedDateTimeOrNull(runFinishedAt),
          },
  };
}
