import { join, resolve } from "node:path";
import type { Db, OpenedDatabase, StoreProvider, StoreReads, StoreSnapshot } from "@deadweight/db";
import { openDatabase } from "@deadweight/db";
import { AccessCache } from "../access/access-cache.js";
import { type ArtifactStore, createArtifactStore } from "../artifacts/artifact-store.js";
import { TradeOffPointsCache } from "../domain/compare/trade-off-points.js";
import { QueuedRunSignal } from "../domain/queue/queued-run-signal.js";
import { createLocalChangeFeed, type StoreChangeFeed } from "./store-changes.js";

/**
 * Everything the API keeps about one tracking store, built once and passed explicitly (in the tRPC
 * context, to the HTTP routes, to the lease sweeper): the Prisma client for writes, the typed read
 * path, the artifact bytes, the change feed, and the caches and signals that hang off them. Nothing
 * is found through a module-level registry: two stores in one process (tests open many) share nothing.
 */
export interface Store {
  readonly provider: StoreProvider;
  /** Where the metadata lives, for people (a file path or a URL without its password). */
  readonly location: string;
  /** Writes, and reads off the hot paths. */
  readonly db: Db;
  /** The typed read path (Kysely over the same database; see @deadweight/db). */
  readonly reads: StoreReads;
  /** Runs `read` against one consistent snapshot of the store. */
  snapshot<T>(read: (reads: StoreSnapshot) => Promise<T>): Promise<T>;
  /** A DateTime as the store compares it in SQL. */
  dateParameter(date: Date): Date | string;
  readonly artifacts: ArtifactStore;
  readonly changes: StoreChangeFeed;
  /** Tokens, roles and object ownership, dropped on "people" changes and bounded in time. */
  readonly access: AccessCache;
  /** Wakes claims that wait for work when runs are queued. */
  readonly queuedRuns: QueuedRunSignal;
  /** Each run's trade-off points for compare, dropped when the run's results change. */
  readonly tradeOffs: TradeOffPointsCache;
  /** Ends waits, then closes the database connections and the change feed. */
  close(): Promise<void>;
}

export interface StoreParts {
  readonly database: OpenedDatabase;
  readonly artifacts: ArtifactStore;
  /** Default: a feed local to this process (right for a store that one server uses). */
  readonly changes?: StoreChangeFeed;
  /** How often claims waiting for work look at the queue again without a signal; default QueuedRunSignal.DEFAULT_RECHECK_MS. */
  readonly queueRecheckMs?: number;
}

/** A store over an opened database and an artifact store. */
export function createStore(parts: StoreParts): Store {
  const { database, artifacts } = parts;
  const changes = parts.changes ?? createLocalChangeFeed();
  const access = new AccessCache(changes);
  const queuedRuns = new QueuedRunSignal(changes, parts.queueRecheckMs);
  const tradeOffs = new TradeOffPointsCache(changes);
  let closing: Promise<void> | undefined;
  return {
    provider: database.provider,
    location: database.location,
    db: database.db,
    reads: database.reads,
    snapshot: (read) => database.snapshot(read),
    dateParameter: (date) => database.dateParameter(date),
    artifacts,
    changes,
    access,
    queuedRuns,
    tradeOffs,
    close: () => {
      closing ??= (async () => {
        queuedRuns.stop();
        tradeOffs.close();
        access.close();
        await changes.close();
        await database.close();
      })();
      return closing;
    },
  };
}

/** The embedded default: <dataDir>/deadweight.db (SQLite, migrated) and <dataDir>/artifacts. */
export function openLocalStore(
  dataDir: string,
  options: Pick<StoreParts, "queueRecheckMs"> = {},
): Store & { readonly migrations: OpenedDatabase["migrations"] } {
  const folder = resolve(dataDir);
  const database = openDatabase(join(folder, "deadweight.db"));
  return {
    ...createStore({ database, artifacts: createArtifactStore(folder), ...options }),
    migrations: database.migrations,
  };
}
