import { forgettingPeopleAfter } from "../../access/access-cache.js";
import type { UserActor } from "../../access/actor.js";
import { requireTeamRole, type TeamRole } from "../../access/team-roles.js";
import { recordAudit } from "../../audit/record-audit.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";
import { memberSelect, toMemberView } from "./member-view.js";
import { requireOwnerForOwnerRole } from "./owner-rules.js";

export interface AddMemberInput {
  readonly teamId: string;
  readonly email: string;
  readonly role: TeamRole;
}

/** Adds an existing user (found by email) to the team with a role; admins only, owners to add an owner. */
export async function addMember(store: Store, actor: UserActor, input: AddMemberInput) {
  const actorRole = await requireTeamRole(store, actor, input.teamId, "admin", { type: "team", id: input.teamId });
  requireOwnerForOwnerRole(actorRole, input.role);
  const email = input.email.trim().toLowerCase();
  // Roles and tokens are cached per request path: forget them once this change is committed.
  return forgettingPeopleAfter(store.changes, () =>
    store.transaction(async (tx) => {
      const user = await tx.user.findUnique({ where: { email }, select: { id: true } });
      if (user === null) {
        throw new AppError("NOT_FOUND", `no user has the email ${email}; they need to sign up first`, "email");
      }
      const existing = await tx.membership.findUnique({
        where: { teamId_userId: { teamId: input.teamId, userId: user.id } },
        select: { role: true },
      });
      if (existing !== null) {
        throw new AppError(
          "CONFLICT",
          `${email} is already a member of this team (${existing.role}); change their role instead`,
          "email",
        );
      }
      const membership = await tx.membership.create({
        data: { teamId: input.teamId, userId: user.id, role: input.role },
        select: memberSelect,
      });
      await recordAudit(tx, actor, {
        teamId: input.teamId,
        action: "member.add",
        targetType: "user",
        targetId: user.id,
        details: { email, role: input.role },
      });
      return toMemberView(membership);
    }),
  );
}
