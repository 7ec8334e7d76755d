import { randomBytes } from "node:crypto";
import { recordAudit } from "../audit/record-audit.js";
import type { Auth } from "../auth/create-auth.js";
import { uniqueTeamSlug } from "../domain/teams/team-slug.js";
import type { Store } from "../store/store.js";

/** better-auth accepts only emails with a dot in the domain, so not plain owner@localhost. */
export const LOCAL_OWNER_EMAIL = "owner@deadweight.localhost";

export interface LocalOwner {
  readonly email: string;
  /** Shown once at first start; only its hash is stored. */
  readonly password: string;
  readonly userId: string;
  readonly teamId: string;
  readonly projectId: string;
}

/**
 * On a store with no users yet: creates a local owner account with a random password (through
 * better-auth, so it is hashed like any other), a team "Local" it owns and a project "Demo", so a
 * person on this machine can sign in with no setup. Returns null when the store already has users.
 */
export async function bootstrapLocalOwner(store: Store, auth: Auth): Promise<LocalOwner | null> {
  if ((await store.db.user.count()) > 0) return null;
  const password = randomBytes(18).toString("base64url");
  const { user } = await auth.api.signUpEmail({
    body: { email: LOCAL_OWNER_EMAIL, password, name: "Local owner" },
  });
  // Sign-up also opens a session nobody holds; it would only be a stray credential.
  await store.db.session.deleteMany({ where: { userId: user.id } });
  const actor = { kind: "user", userId: user.id } as const;
  const { teamId, projectId } = await store.transaction(async (tx) => {
    const team = await tx.team.create({
      data: {
        name: "Local",
        slug: await uniqueTeamSlug(tx, "Local"),
        memberships: { create: { userId: user.id, role: "owner" } },
      },
      select: { id: true },
    });
    const project = await tx.project.create({
      data: { teamId: team.id, name: "Demo", slug: "demo", description: "Created at first start." },
      select: { id: true },
    });
    const details = { bootstrap: true };
    await recordAudit(tx, actor, {
      teamId: team.id,
      action: "team.create",
      targetType: "team",
      targetId: team.id,
      details,
    });
    await recordAudit(tx, actor, {
      teamId: team.id,
      action: "project.create",
      targetType: "project",
      targetId: project.id,
      details,
    });
    return { teamId: team.id, projectId: project.id };
  });
  return { email: LOCAL_OWNER_EMAIL, password, userId: user.id, teamId, projectId };
}
