import { objectId } from "@deadweight/protocol";
import type { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { requireTeamRole } from "../../access/team-roles.js";
import { type Page, pageInput, pageQuery, toPage } from "../../pagination/cursor-page.js";
import type { Store } from "../../store/store.js";
import { type ProjectView, projectSelect } from "./project-view.js";

export const listProjectsInput = pageInput.extend({ teamId: objectId });
export type ListProjectsInput = z.output<typeof listProjectsInput>;

/** A team's projects, newest first (viewer or higher). */
export async function listProjects(
  store: Store,
  actor: UserActor,
  input: ListProjectsInput,
): Promise<Page<ProjectView>> {
  await requireTeamRole(store, actor, input.teamId, "viewer", { type: "team", id: input.teamId });
  const rows = await store.db.project.findMany({
    where: { teamId: input.teamId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: projectSelect,
    ...pageQuery(input),
  });
  return toPage(rows, input);
}
