import { forgettingPeopleAfter } from "../../access/access-cache.js";
import type { UserActor } from "../../access/actor.js";
import { isTeamRole, requireTeamRole, type TeamRole } from "../../access/team-roles.js";
import { recordAudit } from "../../audit/record-audit.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";
import { memberSelect, toMemberView } from "./member-view.js";
import { requireAnotherOwner, requireOwnerForOwnerRole } from "./owner-rules.js";

export interface ChangeMemberRoleInput {
  readonly teamId: string;
  readonly userId: string;
  readonly role: TeamRole;
}

/** Gives a member another role; admins only, owners for anything touching the owner role; never the last owner. */
export async function changeMemberRole(store: Store, actor: UserActor, input: ChangeMemberRoleInput) {
  const actorRole = await requireTeamRole(store, actor, input.teamId, "admin", { type: "team", id: input.teamId });
  // One transaction per change: the server's transactions are serialised, so two owners demoting
  // each other at once cannot both pass the "another owner remains" check.
  // Roles and tokens are cached per request path: forget them once this change is committed.
  return forgettingPeopleAfter(store.changes, () =>
    store.transaction(async (tx) => {
      const target = await tx.membership.findUnique({
        where: { teamId_userId: { teamId: input.teamId, userId: input.userId } },
        select: { role: true },
      });
      if (target === null || !isTeamRole(target.role)) throw AppError.notFound("member", input.userId);
      requireOwnerForOwnerRole(actorRole, target.role, input.role);
      if (target.role === "owner" && input.role !== "owner") await requireAnotherOwner(tx, input.teamId, input.userId);
      const membership = await tx.membership.update({
        where: { teamId_userId: { teamId: input.teamId, userId: input.userId } },
        data: { role: input.role },
        select: memberSelect,
      });
      if (target.role !== input.role) {
        await recordAudit(tx, actor, {
          teamId: input.teamId,
          action: "member.role-change",
          targetType: "user",
          targetId: input.userId,
          details: { from: target.role, to: input.role },
        });
      }
      return toMemberView(membership);
    }),
  );
}
