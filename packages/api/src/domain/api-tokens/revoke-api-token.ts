import { forgettingPeopleAfter } from "../../access/access-cache.js";
import type { UserActor } from "../../access/actor.js";
import { requireTeamRole } from "../../access/team-roles.js";
import { recordAudit } from "../../audit/record-audit.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";
import { apiTokenSelect } from "./api-token-view.js";

export interface RevokeApiTokenInput {
  readonly tokenId: string;
}

/**
 * Revokes a token of the actor's team (admins only); it is refused from its next request on.
 * Revoking a revoked token changes nothing and answers the same.
 */
export async function revokeApiToken(store: Store, actor: UserActor, input: RevokeApiTokenInput) {
  const token = await store.db.apiToken.findUnique({ where: { id: input.tokenId }, select: { teamId: true } });
  if (token === null) throw AppError.notFound("API token", input.tokenId);
  await requireTeamRole(store, actor, token.teamId, "admin", { type: "API token", id: input.tokenId });
  // Roles and tokens are cached per request path: forget them once this change is committed.
  return forgettingPeopleAfter(store.changes, () =>
    store.transaction(async (tx) => {
      const revoked = await tx.apiToken.updateMany({
        where: { id: input.tokenId, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      if (revoked.count > 0) {
        await recordAudit(tx, actor, {
          teamId: token.teamId,
          action: "token.revoke",
          targetType: "api-token",
          targetId: input.tokenId,
        });
      }
      return tx.apiToken.findUniqueOrThrow({ where: { id: input.tokenId }, select: apiTokenSelect });
    }),
  );
}
