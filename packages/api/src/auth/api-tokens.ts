import { createHash, randomBytes } from "node:crypto";
import { storedDateTimeOrNull } from "@deadweight/db";
import type { Actor } from "../access/actor.js";
import { AppError } from "../errors/app-error.js";
import type { Store } from "../store/store.js";

/** Kinds of API token: "user" acts as its creator (within its team); "worker" only claims and reports runs. */
export const API_TOKEN_KINDS = ["user", "worker"] as const;
export type ApiTokenKind = (typeof API_TOKEN_KINDS)[number];

// "dw_" marks the string as a Deadweight token (secret scanners and people recognise it); 32 random
// bytes make it unguessable, so a fast hash (sha256) is enough to store it: there is nothing to brute-force.
const TOKEN_MARK = "dw_";
const PREFIX_LENGTH = TOKEN_MARK.length + 8;

// Writing lastUsedAt on every request would turn every read into a write; a minute is precise enough
// for "is this token still in use?".
const LAST_USED_RESOLUTION_MS = 60_000;

export interface GeneratedApiToken {
  /** The secret, shown to its creator once and never stored. */
  readonly token: string;
  readonly tokenHash: string;
  /** Its first characters, stored so people can tell their tokens apart in lists. */
  readonly prefix: string;
}

/** A new high-entropy token with the hash and prefix to store. */
export function generateApiToken(): GeneratedApiToken {
  const token = `${TOKEN_MARK}${randomBytes(32).toString("base64url")}`;
  return { token, tokenHash: hashApiToken(token), prefix: token.slice(0, PREFIX_LENGTH) };
}

/** The stored form of a token: hex sha256. */
export function hashApiToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/**
 * The actor a bearer token stands for: a user token acts as its creator, limited to its team; a
 * worker token as the team's worker. Unknown or revoked tokens fail with UNAUTHORIZED (a request that
 * presents bad credentials is refused, never downgraded to anonymous). Records the use time.
 */
export async function resolveApiToken(store: Store, token: string, now = new Date()): Promise<Actor> {
  const tokenHash = hashApiToken(token);
  const cache = store.access;
  const cached = cache.token(tokenHash, now.getTime());
  if (cached !== undefined && now.getTime() - cached.lastUsedAt < LAST_USED_RESOLUTION_MS) return cached.actor;
  // On the read path: when the cache expires, every request in flight with the token looks it up at
  // once, and through Prisma each lookup cost about a millisecond of CPU. A revocation is committed
  // before the caches forget the token.
  const stored = await store.reads
    .selectFrom("ApiToken")
    .select(["id", "teamId", "createdById", "name", "kind", "revokedAt", "lastUsedAt"])
    .where("tokenHash", "=", tokenHash)
    .executeTakeFirst();
  if (stored === undefined || stored.revokedAt !== null) {
    throw new AppError("UNAUTHORIZED", "this API token is not valid (unknown or revoked); create a new one");
  }
  let lastUsedAt = storedDateTimeOrNull(stored.lastUsedAt)?.getTime() ?? null;
  if (lastUsedAt === null || now.getTime() - lastUsedAt >= LAST_USED_RESOLUTION_MS) {
    await store.db.apiToken.update({ where: { id: stored.id }, data: { lastUsedAt: now }, select: { id: true } });
    lastUsedAt = now.getTime();
  }
  const actor: Actor =
    stored.kind === "worker"
      ? { kind: "worker", tokenId: stored.id, teamId: stored.teamId, tokenName: stored.name }
      : { kind: "user", userId: stored.createdById, tokenId: stored.id, tokenTeamId: stored.teamId };
  cache.rememberToken(tokenHash, actor, lastUsedAt, now.getTime());
  return actor;
}
