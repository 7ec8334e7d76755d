import { Prisma } from "@deadweight/db";
import { objectId } from "@deadweight/protocol";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { requireTeamRole } from "../../access/team-roles.js";
import { recordAudit } from "../../audit/record-audit.js";
import { AppError } from "../../errors/app-error.js";
import { displayDescription, displayName } from "../../inputs/display-text.js";
import type { Store } from "../../store/store.js";
import { type ProjectView, projectSelect } from "./project-view.js";

const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const projectSlugInput = z
  .string()
  .max(64, "must be at most 64 characters")
  .regex(SLUG_PATTERN, "use lowercase letters, digits and single dashes, e.g. mnist-edge");

export const createProjectInput = z.object({
  teamId: objectId,
  name: displayName(100),
  /** Defaults to the name, lowercased with dashes ("MNIST edge" -> "mnist-edge"). */
  slug: projectSlugInput.optional(),
  description: displayDescription(2000).default(""),
});
export type CreateProjectInput = z.output<typeof createProjectInput>;

/** Creates a project in a team (member or higher); its slug is unique within the team. */
export async function createProject(store: Store, actor: UserActor, input: CreateProjectInput): Promise<ProjectView> {
  await requireTeamRole(store, actor, input.teamId, "member", { type: "team", id: input.teamId });
  const slug = input.slug ?? slugOf(input.name);
  if (!SLUG_PATTERN.test(slug)) {
    throw new AppError(
      "BAD_REQUEST",
      `slug: cannot derive a slug from the name "${input.name}"; give one (lowercase letters, digits, dashes)`,
      "slug",
    );
  }
  const taken = () =>
    new AppError(
      "CONFLICT",
      `slug: this team already has a project with the slug "${slug}"; choose another slug`,
      "slug",
    );
  try {
    return await store.transaction(async (tx) => {
      const existing = await tx.project.findUnique({
        where: { teamId_slug: { teamId: input.teamId, slug } },
        select: { id: true },
      });
      if (existing !== null) throw taken();
      const project = await tx.project.create({
        data: { teamId: input.teamId, name: input.name, slug, description: input.description },
        select: projectSelect,
      });
      await recordAudit(tx, actor, {
        teamId: input.teamId,
        action: "project.create",
        targetType: "project",
        targetId: project.id,
        details: { name: project.name, slug },
      });
      return project;
    });
  } catch (error) {
    // Two people creating the same slug at once: the unique index decides, with the same message.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw taken();
    throw error;
  }
}

function slugOf(name: string): string {
  return name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64)
    .replace(/-+$/, "");
}
