import type { UserActor } from "../../access/actor.js";
import { requireTeamRole } from "../../access/team-roles.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";

export interface GetTeamInput {
  readonly teamId: string;
}

/** One team the actor belongs to, with the actor's role and the number of members. */
export async function getTeam(store: Store, actor: UserActor, input: GetTeamInput) {
  const role = await requireTeamRole(store, actor, input.teamId, "viewer", { type: "team", id: input.teamId });
  const team = await store.db.team.findUnique({
    where: { id: input.teamId },
    select: { id: true, name: true, slug: true, createdAt: true, _count: { select: { memberships: true } } },
  });
  if (team === null) throw AppError.notFound("team", input.teamId);
  const { _count, ...rest } = team;
  return { ...rest, role, memberCount: _count.memberships };
}
