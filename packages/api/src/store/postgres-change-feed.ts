import { randomUUID } from "node:crypto";
import { postgresPoolConfig } from "@deadweight/db";
import pg from "pg";
import type { StoreChange, StoreChangeFeed, StoreChangeListener } from "./store-changes.js";

/** The PostgreSQL channel the servers of one store talk on. */
export const STORE_CHANGES_CHANNEL = "deadweight_store_changes";

export interface PostgresChangeFeedOptions {
  /** Where a lost connection and its recovery are reported; default console.error. */
  readonly log?: (line: string) => void;
  /** Waits before reconnecting after the connection is lost, growing to the last; default 0.5 s .. 10 s. */
  readonly reconnectDelaysMs?: readonly number[];
}

/**
 * The change feed of a store shared by several servers, over PostgreSQL's LISTEN/NOTIFY: a change
 * published here reaches this server's listeners at once and every other server's through the
 * database (NOTIFY is delivered when the publishing transaction commits; ours are sent after). When
 * the listening connection is lost, it reconnects and, because messages may have been missed meanwhile,
 * delivers a "resync" change locally (every cache is dropped, every waiting claim looks again).
 */
export async function createPostgresChangeFeed(
  url: string,
  options: PostgresChangeFeedOptions = {},
): Promise<StoreChangeFeed> {
  const log = options.log ?? ((line: string) => console.error(line));
  const delays = options.reconnectDelaysMs ?? [500, 1_000, 2_000, 5_000, 10_000];
  const origin = randomUUID();
  const listeners = new Set<StoreChangeListener>();
  const deliver = (change: StoreChange) => {
    for (const listener of [...listeners]) listener(change);
  };
  let client: pg.Client | null = null;
  let closed = false;
  let reconnectTimer: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client(postgresPoolConfig(url, 1));
    next.on("notification", (message) => {
      if (message.channel !== STORE_CHANGES_CHANNEL || message.payload === undefined) return;
      try {
        const parsed = JSON.parse(message.payload) as { origin: string; change: StoreChange };
        if (parsed.origin !== origin) deliver(parsed.change);
      } catch {
        // Not ours: another program on the channel.
      }
    });
    next.on("error", () => lost(next));
    next.on("end", () => lost(next));
    await next.connect();
    await next.query(`LISTEN ${STORE_CHANGES_CHANNEL}`);
    client = next;
  };

  const lost = (which: pg.Client) => {
    if (client !== which || closed) return;
    client = null;
    which.removeAllListeners("end");
    void which.end().catch(() => {});
    log(`store change feed: lost its PostgreSQL connection; reconnecting`);
    scheduleReconnect(0);
  };

  const scheduleReconnect = (attempt: number) => {
    if (closed) return;
    const delay = delays[Math.min(attempt, delays.length - 1)] ?? 1_000;
    reconnectTimer = setTimeout(() => {
      connect().then(
        () => {
          log("store change feed: reconnected; caches dropped in case changes were missed");
          deliver({ kind: "resync" });
        },
        () => scheduleReconnect(attempt + 1),
      );
    }, delay);
    reconnectTimer.unref();
  };

  await connect();
  return {
    publish: (change) => {
      deliver(change);
      const current = client;
      if (current === null) return;
      current
        .query("SELECT pg_notify($1, $2)", [STORE_CHANGES_CHANNEL, JSON.stringify({ origin, change })])
        .catch(() => lost(current));
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      closed = true;
      clearTimeout(reconnectTimer);
      listeners.clear();
      const current = client;
      client = null;
      await current?.end().catch(() => {});
    },
  };
}
