import { forgettingPeopleAfter } from "../../access/access-cache.js";
import type { UserActor } from "../../access/actor.js";
import { recordAudit } from "../../audit/record-audit.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";
import { uniqueTeamSlug } from "./team-slug.js";

export interface CreateTeamInput {
  readonly name: string;
}

/** Creates a team whose only member is its creator, as owner. */
export async function createTeam(store: Store, actor: UserActor, input: CreateTeamInput) {
  if (actor.tokenTeamId !== undefined) {
    // A token is a key to one team; letting it mint new teams would widen what a leaked token can do.
    throw new AppError("FORBIDDEN", "API tokens act within their own team only; sign in to create a team");
  }
  // Roles and tokens are cached per request path: forget them once this change is committed.
  return forgettingPeopleAfter(store.changes, () =>
    store.transaction(async (tx) => {
      const slug = await uniqueTeamSlug(tx, input.name);
      const team = await tx.team.create({
        data: { name: input.name, slug, memberships: { create: { userId: actor.userId, role: "owner" } } },
        select: { id: true, name: true, slug: true, createdAt: true },
      });
      await recordAudit(tx, actor, {
        teamId: team.id,
        action: "team.create",
        targetType: "team",
        targetId: team.id,
        details: { name: team.name, slug: team.slug },
      });
      return { ...team, role: "owner" as const };
    }),
  );
}
