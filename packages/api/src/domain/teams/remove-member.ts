import { forgettingPeopleAfter } from "../../access/access-cache.js";
import type { UserActor } from "../../access/actor.js";
import { isTeamRole, requireTeamRole } from "../../access/team-roles.js";
import { recordAudit } from "../../audit/record-audit.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";
import { requireAnotherOwner, requireOwnerForOwnerRole } from "./owner-rules.js";

export interface RemoveMemberInput {
  readonly teamId: string;
  readonly userId: string;
}

/**
 * Removes a member (admins; owners to remove an owner; anyone may leave). Never removes the last
 * owner. Revokes the API tokens the person created for this team: someone who left must not keep a key.
 */
export async function removeMember(store: Store, actor: UserActor, input: RemoveMemberInput) {
  const leaving = input.userId === actor.userId;
  const actorRole = await requireTeamRole(store, actor, input.teamId, leaving ? "viewer" : "admin", {
    type: "team",
    id: input.teamId,
  });
  // Roles and tokens are cached per request path: forget them once this change is committed.
  return forgettingPeopleAfter(store.changes, () =>
    store.transaction(async (tx) => {
      const target = await tx.membership.findUnique({
        where: { teamId_userId: { teamId: input.teamId, userId: input.userId } },
        select: { role: true },
      });
      if (target === null || !isTeamRole(target.role)) throw AppError.notFound("member", input.userId);
      if (!leaving) requireOwnerForOwnerRole(actorRole, target.role);
      if (target.role === "owner") await requireAnotherOwner(tx, input.teamId, input.userId);
      await tx.membership.delete({ where: { teamId_userId: { teamId: input.teamId, userId: input.userId } } });
      const revoked = await tx.apiToken.updateMany({
        where: { teamId: input.teamId, createdById: input.userId, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      await recordAudit(tx, actor, {
        teamId: input.teamId,
        action: leaving ? "member.leave" : "member.remove",
        targetType: "user",
        targetId: input.userId,
        details: { role: target.role, revokedTokens: revoked.count },
      });
      return { teamId: input.teamId, userId: input.userId, revokedTokens: revoked.count };
    }),
  );
}
