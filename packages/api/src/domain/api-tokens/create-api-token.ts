import type { UserActor } from "../../access/actor.js";
import { requireTeamRole } from "../../access/team-roles.js";
import { recordAudit } from "../../audit/record-audit.js";
import { type ApiTokenKind, generateApiToken } from "../../auth/api-tokens.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";
import { apiTokenSelect } from "./api-token-view.js";

export interface CreateApiTokenInput {
  readonly teamId: string;
  readonly name: string;
  readonly kind: ApiTokenKind;
}

/**
 * Creates a token for the team (admins only) and returns its secret: the only time it is ever
 * shown, since only its sha256 is stored.
 */
export async function createApiToken(store: Store, actor: UserActor, input: CreateApiTokenInput) {
  await requireTeamRole(store, actor, input.teamId, "admin", { type: "team", id: input.teamId });
  if (actor.tokenId !== undefined) {
    // A token that can mint tokens would outlive its own revocation through its offspring.
    throw new AppError("FORBIDDEN", "API tokens cannot create API tokens; sign in to create one");
  }
  const generated = generateApiToken();
  return store.transaction(async (tx) => {
    const stored = await tx.apiToken.create({
      data: {
        teamId: input.teamId,
        createdById: actor.userId,
        name: input.name,
        kind: input.kind,
        prefix: generated.prefix,
        tokenHash: generated.tokenHash,
      },
      select: apiTokenSelect,
    });
    await recordAudit(tx, actor, {
      teamId: input.teamId,
      action: "token.create",
      targetType: "api-token",
      targetId: stored.id,
      details: { name: input.name, kind: input.kind, prefix: generated.prefix },
    });
    return { ...stored, token: generated.token };
  });
}
