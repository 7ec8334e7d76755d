import type { TeamRole } from "../../access/team-roles.js";
import type { DbOrTransaction } from "../../audit/record-audit.js";
import { AppError } from "../../errors/app-error.js";

/**
 * Admins manage members, but the owner role is the owners' to give and take: otherwise an admin
 * could make themselves owner, or demote the owners who appointed them.
 */
export function requireOwnerForOwnerRole(actorRole: TeamRole, ...involvedRoles: TeamRole[]): void {
  if (actorRole !== "owner" && involvedRoles.includes("owner")) {
    throw new AppError("FORBIDDEN", "only an owner can grant, change or remove the owner role", "role");
  }
}

/** Fails when taking the owner role away from `userId` would leave the team with no owner. */
export async function requireAnotherOwner(db: DbOrTransaction, teamId: string, userId: string): Promise<void> {
  const otherOwners = await db.membership.count({ where: { teamId, role: "owner", userId: { not: userId } } });
  if (otherOwners === 0) {
    throw new AppError(
      "CONFLICT",
      "a team needs at least one owner: make another member owner first, then change or remove this one",
    );
  }
}
