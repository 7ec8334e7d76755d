import type { Db } from "@deadweight/db";
import type { Actor } from "./actor.js";

/**
 * A per-database memo of the facts every request needs before doing its work: which actor a token
 * stands for, a person's role in a team, and which team an object belongs to. Without it each
 * request paid two to four extra queries (most of a list's cost).
 *
 * Correctness: the team an object belongs to never changes, so those entries never go stale.
 * Tokens and roles do change: every change to a membership or a token calls `forgetPeople()`, so a
 * revocation or a demotion applies to the very next request; entries also expire after 30 s in
 * case the database is changed by another process.
 */
export class AccessCache {
  private readonly tokens = new Map<string, { actor: Actor; lastUsedAt: number; expiresAt: number }>();
  private readonly roles = new Map<string, { role: string | null; expiresAt: number }>();
  private readonly owners = new Map<string, unknown>();

  static readonly TTL_MS = 30_000;
  static readonly MAX_ENTRIES = 20_000;

  token(tokenHash: string, now: number) {
    const entry = this.tokens.get(tokenHash);
    return entry !== undefined && entry.expiresAt > now ? entry : undefined;
  }

  rememberToken(tokenHash: string, actor: Actor, lastUsedAt: number, now: number): void {
    this.bounded(this.tokens).set(tokenHash, { actor, lastUsedAt, expiresAt: now + AccessCache.TTL_MS });
  }

  role(teamId: string, userId: string, now: number): { role: string | null } | undefined {
    const entry = this.roles.get(`${teamId}:${userId}`);
    return entry !== undefined && entry.expiresAt > now ? entry : undefined;
  }

  rememberRole(teamId: string, userId: string, role: string | null, now: number): void {
    this.bounded(this.roles).set(`${teamId}:${userId}`, { role, expiresAt: now + AccessCache.TTL_MS });
  }

  /** The immutable ownership facts of an object ("run:<id>" -> its team, project, ...). */
  owner<T>(key: string): T | undefined {
    return this.owners.get(key) as T | undefined;
  }

  rememberOwner(key: string, value: unknown): void {
    this.bounded(this.owners).set(key, value);
  }

  /** Drops every token and role entry: call after any change to memberships or tokens. */
  forgetPeople(): void {
    this.tokens.clear();
    this.roles.clear();
  }

  private bounded<K, V>(map: Map<K, V>): Map<K, V> {
    if (map.size >= AccessCache.MAX_ENTRIES) map.clear();
    return map;
  }
}

const caches = new WeakMap<Db, AccessCache>();

/** The cache of one database client (tests open many databases in one process). */
export function accessCacheFor(db: Db): AccessCache {
  let cache = caches.get(db);
  if (cache === undefined) {
    cache = new AccessCache();
    caches.set(db, cache);
  }
  return cache;
}

/** Runs a change to memberships or tokens, then drops the cached roles and tokens of that database. */
export async function forgettingPeopleAfter<T>(db: Db, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } finally {
    accessCacheFor(db).forgetPeople();
  }
}
