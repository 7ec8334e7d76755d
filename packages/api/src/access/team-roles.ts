import { AppError } from "../errors/app-error.js";
import type { Store } from "../store/store.js";
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
  store: Store,
  actor: UserActor,
  teamId: string,
  minimum: TeamRole,
  what: { readonly type: string; readonly id: string },
): Promise<TeamRole> {
  const role =
    actor.tokenTeamId !== undefined && actor.tokenTeamId !== teamId ? null : await roleIn(store, teamId, actor.userId);
  if (role === null || !isTeamRole(role)) throw AppError.notFound(what.type, what.id);
  if (!roleAtLeast(role, minimum)) {
    throw new AppError(
      "FORBIDDEN",
      `this needs the ${minimum} role or higher in the team; you are a ${role}. Ask a team admin.`,
    );
  }
  return role;
}

/**
 * A person's role in a team (null: not a member), through the store's access cache. Every change to
 * a membership is committed before the caches are told to forget, so the next lookup sees it.
 */
async function roleIn(store: Store, teamId: string, userId: string): Promise<string | null> {
  const now = Date.now();
  const cached = store.access.role(teamId, userId, now);
  if (cached !== undefined) return cached.role;
  const membership = await store.reads
    .selectFrom("Membership")
    .select("role")
    .where("teamId", "=", teamId)
    .where("userId", "=", userId)
    .executeTakeFirst();
  const role = membership?.role ?? null;
  store.access.rememberRole(teamId, userId, role, now);
  return role;
}
