import type { Prisma } from "@deadweight/db";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessExperiment, accessProject } from "../../access/owned-objects.js";
import { requireTeamRole } from "../../access/team-roles.js";
import { dateRangeInput, dateRangeWhere } from "../../inputs/date-range.js";
import { objectId } from "@deadweight/protocol";
import { type Page, pageInput, pageQuery, toPage } from "../../pagination/cursor-page.js";
import { runStatusInput } from "./run-status.js";
import { type RunSummary, runSummarySelect, toRunSummary } from "./run-view.js";
import type { Store } from "../../store/store.js";

export const listRunsInput = pageInput
  .extend({
    /** Exactly one scope: a whole team (its queue), a project, or one experiment. */
    teamId: objectId.optional(),
    projectId: objectId.optional(),
    experimentId: objectId.optional(),
    status: runStatusInput.optional(),
    /** When the run was queued. */
    queued: dateRangeInput.optional(),
  })
  .superRefine((input, context) => {
    const scopes = [input.teamId, input.projectId, input.experimentId].filter((scope) => scope !== undefined);
    if (scopes.length !== 1) {
      context.addIssue({
        code: "custom",
        path: ["experimentId"],
        message: "give exactly one of teamId, projectId or experimentId",
      });
    }
  });
export type ListRunsInput = z.output<typeof listRunsInput>;

/** Runs of a team, project or experiment, newest first (viewer or higher). */
export async function listRuns(store: Store, actor: UserActor, input: ListRunsInput): Promise<Page<RunSummary>> {
  let scope: Prisma.RunWhereInput;
  if (input.experimentId !== undefined) {
    await accessExperiment(store, actor, input.experimentId, "viewer");
    scope = { experimentId: input.experimentId };
  } else if (input.projectId !== undefined) {
    await accessProject(store, actor, input.projectId, "viewer");
    scope = { experiment: { projectId: input.projectId } };
  } else {
    const teamId = input.teamId as string;
    await requireTeamRole(store, actor, teamId, "viewer", { type: "team", id: teamId });
    scope = { experiment: { project: { teamId } } };
  }
  const queuedAt = dateRangeWhere(input.queued);
  const rows = await store.db.run.findMany({
    where: {
      ...scope,
      ...(input.status === undefined ? {} : { status: input.status }),
      ...(queuedAt === undefined ? {} : { queuedAt }),
    },
    orderBy: [{ queuedAt: "desc" }, { id: "desc" }],
    select: runSummarySelect,
    ...pageQuery(input),
  });
  return toPage(rows.map(toRunSummary), input);
}
