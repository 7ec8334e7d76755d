import type { Db } from "@deadweight/db";
import { AppError } from "../errors/app-error.js";
import type { UserActor } from "./actor.js";

/** Team roles, weakest first: viewers read, members create and run, admins manage people and tokens. */
export const TEAM_ROLES = ["viewer", "member", "admin", "owner"] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export function isTeamRole(value: string): value is TeamRole {
  return (TEAM_ROLES as readonly string[]).includes(value);
}

/** True when `role` grants at least what `minimum` grants. */
export function roleAtLeast(role: TeamRole, minimum: TeamRole): boolean {
  return TEAM_ROLES.indexOf(role) >= TEAM_ROLES.indexOf(minimum);
}

/**
 * The actor's role in a team, if it is at least `minimum`. A non-member (or a token scoped to
 * another team) gets NOT_FOUND naming `what`, exactly as if the object did not exist; a member
 * whose role is too weak gets FORBIDDEN saying which role is needed.
 */
export async function requireTeamRole(
  db: Db,
  actor: UserActor,
  teamId: string,
  minimum: TeamRole,
  what: { readonly type: string; readonly id: string },
): Promise<TeamRole> {
  const membership =
    actor.tokenTeamId !== undefined && actor.tokenTeamId !== teamId
      ? null
      : await db.membership.findUnique({ where: { teamId_userId: { teamId, userId: actor.userId } } });
  if (membership === null || !isTeamRole(membership.role)) throw AppError.notFound(what.type, what.id);
  if (!roleAtLeast(membership.role, minimum)) {
    throw new AppError(
      "FORBIDDEN",
      `this needs the ${minimum} role or higher in the team; you are a ${membership.role}. Ask a team admin.`,
    );
  }
  return membership.role;
}
