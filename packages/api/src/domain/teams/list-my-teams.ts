import type { UserActor } from "../../access/actor.js";
import { isTeamRole } from "../../access/team-roles.js";
import type { Store } from "../../store/store.js";

/** The teams the actor belongs to, with their role in each (a token sees only its own team). */
export async function listMyTeams(store: Store, actor: UserActor) {
  const memberships = await store.db.membership.findMany({
    where: { userId: actor.userId, ...(actor.tokenTeamId === undefined ? {} : { teamId: actor.tokenTeamId }) },
    select: { role: true, team: { select: { id: true, name: true, slug: true, createdAt: true } } },
    orderBy: [{ team: { name: "asc" } }, { teamId: "asc" }],
  });
  return memberships.flatMap(({ role, team }) => (isTeamRole(role) ? [{ ...team, role }] : []));
}
