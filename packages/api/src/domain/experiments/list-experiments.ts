import type { Db, Prisma } from "@deadweight/db";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessProject } from "../../access/owned-objects.js";
import { dateRangeInput, dateRangeWhere } from "../../inputs/date-range.js";
import { objectId } from "../../inputs/object-id.js";
import { type Page, pageInput, pageQuery, toPage } from "../../pagination/cursor-page.js";
import { runStatusInput } from "../runs/run-status.js";
import { experimentTagsInput } from "./experiment-tags.js";
import { type ExperimentListItem, experimentListSelect, toExperimentListItem } from "./experiment-view.js";

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

/** A project's experiments, filtered, sorted and paginated (viewer or higher). */
export async function listExperiments(
  db: Db,
  actor: UserActor,
  input: ListExperimentsInput,
): Promise<Page<ExperimentListItem>> {
  await accessProject(db, actor, input.projectId, "viewer");
  const createdAt = dateRangeWhere(input.created);
  const where: Prisma.ExperimentWhereInput = {
    projectId: input.projectId,
    ...(input.dataset === undefined ? {} : { dataset: input.dataset }),
    ...(input.status === undefined ? {} : { runs: { some: { status: input.status } } }),
    ...(createdAt === undefined ? {} : { createdAt }),
    AND: [
      ...(input.tags ?? []).map((tag) => ({ tags: { some: { tag } } })),
      // SQLite's LIKE (what Prisma's contains becomes) ignores ASCII case.
      ...(input.search === undefined
        ? []
        : [{ OR: [{ name: { contains: input.search } }, { description: { contains: input.search } }] }]),
    ],
  };
  const { field, direction } = input.sort;
  const rows = await db.experiment.findMany({
    where,
    // id breaks ties so the cursor is stable when names or times are equal.
    orderBy: [{ [field]: direction }, { id: direction }],
    select: experimentListSelect,
    ...pageQuery(input),
  });
  return toPage(rows.map(toExperimentListItem), input);
}
