import { isTeamRole, type TeamRole } from "../../access/team-roles.js";

/** What a team member looks like to other members: never their password, sessions or tokens. */
export const memberSelect = {
  id: true,
  role: true,
  createdAt: true,
  user: { select: { id: true, name: true, email: true } },
} as const;

interface MemberRow {
  readonly id: string;
  readonly role: string;
  readonly createdAt: Date;
  readonly user: { readonly id: string; readonly name: string; readonly email: string };
}

export interface MemberView {
  /** The membership's id (the cursor of member lists). */
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  readonly email: string;
  readonly role: TeamRole;
  readonly joinedAt: Date;
}

export function toMemberView(row: MemberRow): MemberView {
  // The column only ever holds a TeamRole (every write goes through zod); "viewer" is the safe reading otherwise.
  const role = isTeamRole(row.role) ? row.role : "viewer";
  return { id: row.id, userId: row.user.id, name: row.user.name, email: row.user.email, role, joinedAt: row.createdAt };
}
