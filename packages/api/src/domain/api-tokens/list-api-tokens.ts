import type { UserActor } from "../../access/actor.js";
import { requireTeamRole } from "../../access/team-roles.js";
import { type PageInput, pageQuery, toPage } from "../../pagination/cursor-page.js";
import type { Store } from "../../store/store.js";
import { apiTokenSelect } from "./api-token-view.js";

export interface ListApiTokensInput extends PageInput {
  readonly teamId: string;
  /** Revoked tokens stay listed (with revokedAt) unless this is false. */
  readonly includeRevoked?: boolean;
}

/** A page of the team's tokens, newest first, without their secrets or hashes; admins only. */
export async function listApiTokens(store: Store, actor: UserActor, input: ListApiTokensInput) {
  await requireTeamRole(store, actor, input.teamId, "admin", { type: "team", id: input.teamId });
  const rows = await store.db.apiToken.findMany({
    where: { teamId: input.teamId, ...(input.includeRevoked === false ? { revokedAt: null } : {}) },
    select: apiTokenSelect,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    ...pageQuery(input),
  });
  return toPage(rows, input);
}
