import { join, resolve } from "node:path";
import type { Db, OpenedDatabase, StoreProvider, StoreReads, StoreSnapshot } from "@deadweight/db";
import { isPostgresUrl, openDatabase, openPostgresDatabase } from "@deadweight/db";
import { AccessCache } from "../access/access-cache.js";
import { type ArtifactStore, createArtifactStore } from "../artifacts/artifact-store.js";
import { openArtifactStore } from "../artifacts/open-artifact-store.js";
import type { S3Settings } from "../artifacts/s3-artifact-store.js";
import { TradeOffPointsCache } from "../domain/compare/trade-off-points.js";
import { LiveRuns } from "../domain/live/live-runs.js";
import { QueuedRunSignal } from "../domain/queue/queued-run-signal.js";
import { readRunDetails } from "../domain/runs/get-run.js";
import { createPostgresChangeFeed } from "./postgres-change-feed.js";
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
  /**
   * Runs `write` in one transaction against one snapshot: SQLite serialises writers; on PostgreSQL it
   * is REPEATABLE READ, so a row it read and then writes cannot have been changed by another server
   * meanwhile (the database refuses the write) and the whole function is tried again from the start.
   * Checks over several rows that nothing else writes (a write skew) must make their conflict
   * visible by writing a row both sides read (see requireAnotherOwner).
   */
  transaction<T>(write: (tx: StoreTransaction) => Promise<T>): Promise<T>;
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
  /** Runs and projects watched by this server's subscriptions, told of every change once. */
  readonly live: LiveRuns;
  /** Ends waits, then closes the database connections and the change feed. */
  close(): Promise<void>;
}

/** What a store transaction's function gets: Prisma's transaction client. */
export type StoreTransaction = Parameters<Parameters<Db["$transaction"]>[0]>[0];

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
  const live = new LiveRuns(changes, (runId, projectId) => readRunDetails(database.db, runId, projectId));
  let closing: Promise<void> | undefined;
  return {
    provider: database.provider,
    location: database.location,
    db: database.db,
    reads: database.reads,
    transaction: (write) =>
      database.provider === "postgresql" ? retriedTransaction(database.db, write) : database.db.$transaction(write),
    snapshot: (read) => database.snapshot(read),
    dateParameter: (date) => database.dateParameter(date),
    artifacts,
    changes,
    access,
    queuedRuns,
    tradeOffs,
    live,
    close: () => {
      closing ??= (async () => {
        queuedRuns.stop();
        live.close();
        tradeOffs.close();
        access.close();
        await changes.close();
        artifacts.close?.();
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

/** Attempts of a transaction that keeps conflicting with other servers' before the conflict reaches the caller. */
const TRANSACTION_ATTEMPTS = 10;

// REPEATABLE READ, not SERIALIZABLE: both refuse a write to a row changed since the snapshot, at the
// statement; SERIALIZABLE may also refuse at COMMIT, and Prisma 6.19's pg adapter then never gives
// the connection back to its pool (measured: the pool empties and the process hangs at close).
const ISOLATION = "RepeatableRead" as "Serializable";

async function retriedTransaction<T>(db: Db, write: (tx: StoreTransaction) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(write, { isolationLevel: ISOLATION, maxWait: 10_000, timeout: 30_000 });
    } catch (error) {
      if (!isSerializationConflict(error) || attempt >= TRANSACTION_ATTEMPTS) throw error;
      // Jittered, growing: two servers that collided should not collide again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** attempt));
    }
  }
}

/** PostgreSQL refused a transaction for a conflict with a concurrent one (SQLSTATE 40001 / 40P01, Prisma P2034). */
function isSerializationConflict(error: unknown): boolean {
  const text = `${(error as { code?: string } | null)?.code ?? ""} ${error instanceof Error ? error.message : ""}`;
  return /P2034|40001|40P01|could not serialize|deadlock detected|write ?conflict/i.test(text);
}

export interface StoreOptions {
  /** The data directory: the embedded defaults live in it (deadweight.db, artifacts/). */
  readonly dataDir: string;
  /** A SQLite file, or a postgres:// URL shared by several servers; default <dataDir>/deadweight.db. */
  readonly database?: string;
  /** A folder, or s3://bucket/prefix shared by several servers; default <dataDir>/artifacts. */
  readonly artifacts?: string;
  /** How to reach the S3 service of an s3:// location (endpoint, region, credentials). */
  readonly s3?: S3Settings;
  readonly queueRecheckMs?: number;
  /** Where the change feed reports a lost connection (PostgreSQL); default console.error. */
  readonly log?: (line: string) => void;
}

/**
 * A store on the embedded defaults or on PostgreSQL: migrations applied, and on PostgreSQL a change
 * feed over LISTEN/NOTIFY so the servers sharing the database hear each other's changes.
 */
export async function openStore(
  options: StoreOptions,
): Promise<Store & { readonly migrations: OpenedDatabase["migrations"] }> {
  const folder = resolve(options.dataDir);
  const database = options.database ?? join(folder, "deadweight.db");
  // The bucket first: it is checked without writing anything, the database is migrated.
  const artifacts = await openArtifactStore(options.artifacts, {
    dataDir: folder,
    ...(options.s3 === undefined ? {} : { s3: options.s3 }),
  });
  try {
    if (!isPostgresUrl(database)) {
      const opened = openDatabase(resolve(folder, database));
      return {
        ...createStore({ database: opened, artifacts, queueRecheckMs: options.queueRecheckMs }),
        migrations: opened.migrations,
      };
    }
    const opened = await openPostgresDatabase(database);
    let changes: StoreChangeFeed;
    try {
      changes = await createPostgresChangeFeed(database, options.log === undefined ? {} : { log: options.log });
    } catch (error) {
      await opened.close();
      throw error;
    }
    return {
      ...createStore({ database: opened, artifacts, changes, queueRecheckMs: options.queueRecheckMs }),
      migrations: opened.migrations,
    };
  } catch (error) {
    artifacts.close?.();
    throw error;
  }
}
