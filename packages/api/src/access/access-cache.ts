import type { StoreChangeFeed } from "../store/store-changes.js";
import type { Actor } from "./actor.js";

/**
 * A per-store memo of the facts every request needs before doing its work: which actor a token
 * stands for, a person's role in a team, and which team an object belongs to. Without it each
 * request paid two to four extra queries (most of a list's cost).
 *
 * Correctness: the team an object belongs to never changes, so those entries never go stale.
 * Tokens and roles do change: every change to a membership or a token publishes a "people" change
 * that makes every cache of the store forget them (forgettingPeopleAfter), so a revocation or a
 * demotion applies to the very next request on this server; entries also expire after TTL_MS, which
 * bounds how long another server of a shared store can act on a stale role if a change message is lost.
 */
export class AccessCache {
  private readonly unsubscribe: () => void;
  private readonly tokens = new Map<string, { actor: Actor; lastUsedAt: number; expiresAt: number }>();
  private readonly roles = new Map<string, { role: string | null; expiresAt: number }>();
  private readonly owners = new Map<string, unknown>();

  static readonly TTL_MS = 30_000;
  static readonly MAX_ENTRIES = 20_000;

  constructor(changes: StoreChangeFeed) {
    this.unsubscribe = changes.subscribe((change) => {
      if (change.kind === "people" || change.kind === "resync") this.forgetPeople();
    });
  }

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

  close(): void {
    this.unsubscribe();
    this.forgetPeople();
    this.owners.clear();
  }

  private bounded<K, V>(map: Map<K, V>): Map<K, V> {
    if (map.size >= AccessCache.MAX_ENTRIES) map.clear();
    return map;
  }
}

/**
 * Runs a change to memberships or tokens, then tells every cache of the store (this process's and,
 * on a shared store, the other servers') to drop its roles and tokens.
 */
export async function forgettingPeopleAfter<T>(changes: StoreChangeFeed, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } finally {
    changes.publish({ kind: "people" });
  }
}
