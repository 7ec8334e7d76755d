import { randomUUID } from "node:crypto";
import { forgettingPeopleAfter } from "../../access/access-cache.js";
import type { UserActor } from "../../access/actor.js";
import { requireTeamRole } from "../../access/team-roles.js";
import { recordAudit } from "../../audit/record-audit.js";
import type { Store } from "../../store/store.js";

/**
 * Invitations live in better-auth's `verification` table (an identifier, a value and an expiry:
 * what an invitation is), under identifiers `sign-up-invitation:<email>`, so they need no table of
 * their own.
 */
const IDENTIFIER_PREFIX = "sign-up-invitation:";

/** How long an invitation lets its email sign up. */
export const SIGN_UP_INVITATION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export interface SignUpInvitationView {
  readonly email: string;
  readonly invitedById: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

interface StoredInvitation {
  readonly teamId: string;
  readonly invitedById: string;
}

function normalised(email: string): string {
  return email.trim().toLowerCase();
}

/** Lets `email` sign up on an invite-only server for 30 days; the team's admins only. Inviting again renews it. */
export async function inviteToSignUp(
  store: Store,
  actor: UserActor,
  input: { readonly teamId: string; readonly email: string },
): Promise<SignUpInvitationView> {
  await requireTeamRole(store, actor, input.teamId, "admin", { type: "team", id: input.teamId });
  const email = normalised(input.email);
  const identifier = `${IDENTIFIER_PREFIX}${email}`;
  const value: StoredInvitation = { teamId: input.teamId, invitedById: actor.userId };
  const createdAt = new Date();
  const expiresAt = new Date(createdAt.getTime() + SIGN_UP_INVITATION_TTL_MS);
  return store.transaction(async (tx) => {
    await tx.verification.deleteMany({ where: { identifier } });
    await tx.verification.create({
      data: { id: randomUUID(), identifier, value: JSON.stringify(value), expiresAt, createdAt, updatedAt: createdAt },
    });
    await recordAudit(tx, actor, {
      teamId: input.teamId,
      action: "sign-up.invite",
      targetType: "email",
      targetId: email,
      details: { expiresAt: expiresAt.toISOString() },
    });
    return { email, invitedById: actor.userId, createdAt, expiresAt };
  });
}

/** The team's invitations that have not expired, newest first; the team's admins only. */
export async function listSignUpInvitations(
  store: Store,
  actor: UserActor,
  input: { readonly teamId: string },
): Promise<SignUpInvitationView[]> {
  await requireTeamRole(store, actor, input.teamId, "admin", { type: "team", id: input.teamId });
  const rows = await store.db.verification.findMany({
    where: { identifier: { startsWith: IDENTIFIER_PREFIX }, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: "desc" },
    take: 500,
    select: { identifier: true, value: true, createdAt: true, expiresAt: true },
  });
  return rows.flatMap((row) => {
    const stored = parseStored(row.value);
    if (stored === null || stored.teamId !== input.teamId) return [];
    return [
      {
        email: row.identifier.slice(IDENTIFIER_PREFIX.length),
        invitedById: stored.invitedById,
        createdAt: row.createdAt,
        expiresAt: row.expiresAt,
      },
    ];
  });
}

/**
 * A person who signed up with an invited email joins the inviting team as a member, and the
 * invitation is used up: they land in the team they were invited to, not in an empty dashboard.
 * Returns the team joined, or null when the email had no unexpired invitation.
 */
export async function joinInvitedTeam(
  store: Store,
  user: { readonly id: string; readonly email: string },
): Promise<string | null> {
  const identifier = `${IDENTIFIER_PREFIX}${normalised(user.email)}`;
  return forgettingPeopleAfter(store.changes, () =>
    store.transaction(async (tx) => {
      const row = await tx.verification.findFirst({
        where: { identifier, expiresAt: { gt: new Date() } },
        select: { value: true },
      });
      const invitation = row === null ? null : parseStored(row.value);
      if (invitation === null) return null;
      await tx.verification.deleteMany({ where: { identifier } });
      const member = { teamId_userId: { teamId: invitation.teamId, userId: user.id } };
      if ((await tx.membership.findUnique({ where: member, select: { id: true } })) === null) {
        await tx.membership.create({ data: { teamId: invitation.teamId, userId: user.id, role: "member" } });
      }
      await recordAudit(
        tx,
        { kind: "user", userId: user.id },
        {
          teamId: invitation.teamId,
          action: "member.join",
          targetType: "user",
          targetId: user.id,
          details: { email: normalised(user.email), role: "member", invitedById: invitation.invitedById },
        },
      );
      return invitation.teamId;
    }),
  );
}

/** The unexpired invitation of `email`, if any. */
export async function findSignUpInvitation(store: Store, email: string): Promise<StoredInvitation | null> {
  const row = await store.db.verification.findFirst({
    where: { identifier: `${IDENTIFIER_PREFIX}${normalised(email)}`, expiresAt: { gt: new Date() } },
    select: { value: true },
  });
  return row === null ? null : parseStored(row.value);
}

function parseStored(value: string): StoredInvitation | null {
  try {
    const parsed = JSON.parse(value) as Partial<StoredInvitation>;
    if (typeof parsed.teamId !== "string" || typeof parsed.invitedById !== "string") return null;
    return { teamId: parsed.teamId, invitedById: parsed.invitedById };
  } catch {
    return null;
  }
}
