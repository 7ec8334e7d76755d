import type { UserActor } from "../../access/actor.js";
import { requireTeamRole } from "../../access/team-roles.js";
import { type PageInput, pageQuery, toPage } from "../../pagination/cursor-page.js";
import type { Store } from "../../store/store.js";
import { memberSelect, toMemberView } from "./member-view.js";

export interface ListMembersInput extends PageInput {
  readonly teamId: string;
}

/** A page of a team's members, oldest first; any member may read it. */
export async function listMembers(store: Store, actor: UserActor, input: ListMembersInput) {
  await requireTeamRole(store, actor, input.teamId, "viewer", { type: "team", id: input.teamId });
  const rows = await store.db.membership.findMany({
    where: { teamId: input.teamId },
    select: memberSelect,
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    ...pageQuery(input),
  });
  return toPage(rows.map(toMemberView), input);
}
