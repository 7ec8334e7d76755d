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
  // Written, not only read: two owners demoting each other at once on PostgreSQL would each see the
  // other still an owner (different rows); both writing the team's row makes the second one conflict
  // and start again, when it sees it would leave no owner.
  const team = await db.team.findUniqueOrThrow({ where: { id: teamId }, select: { name: true } });
  await db.team.update({ where: { id: teamId }, data: { name: team.name }, select: { id: true } });
  const otherOwners = await db.membership.count({ where: { teamId, role: "owner", userId: { not: userId } } });
  if (otherOwners === 0) {
    throw new AppError(
      "CONFLICT",
      "a team needs at least one owner: make another member owner first, then change or remove this one",
    );
  }
}
