import { objectId } from "@deadweight/protocol";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessProject } from "../../access/owned-objects.js";
import type { Store } from "../../store/store.js";
import { type ProjectView, projectSelect } from "./project-view.js";

export const getProjectInput = z.object({ projectId: objectId });
export type GetProjectInput = z.output<typeof getProjectInput>;

export interface ProjectDetails extends ProjectView {
  readonly experimentCount: number;
}

/** One project and how many experiments it holds (viewer or higher). */
export async function getProject(store: Store, actor: UserActor, input: GetProjectInput): Promise<ProjectDetails> {
  await accessProject(store, actor, input.projectId, "viewer");
  const { _count, ...project } = await store.db.project.findUniqueOrThrow({
    where: { id: input.projectId },
    select: { ...projectSelect, _count: { select: { experiments: true } } },
  });
  return { ...project, experimentCount: _count.experiments };
}
