import { resolve } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { applyMigrations, BUSY_TIMEOUT_MS, type MigrationReport } from "./apply-migrations.js";
import { PrismaClient } from "./generated/client.js";
import { openSqliteReads } from "./reads/open-sqlite-reads.js";
import type { StoreReads, StoreSnapshot } from "./reads/store-reads.js";
import { dateTimeParameter } from "./stored-values.js";

/** The tracking store's Prisma client (writes, and reads that are not on a hot path). */
export type Db = PrismaClient;

/** Which database engine holds the store. */
export type StoreProvider = "sqlite" | "postgresql";

export interface OpenedDatabase {
  readonly provider: StoreProvider;
  /** Where the data is, for people (a file path or a URL without its password). */
  readonly location: string;
  readonly db: Db;
  /** The typed read path (see reads/store-reads.ts). */
  readonly reads: StoreReads;
  readonly migrations: MigrationReport;
  /** A DateTime as this database compares it in SQL (a bound parameter of the read path). */
  dateParameter(date: Date): Date | string;
  /** Runs `read` in one read transaction, so all its queries see the same committed state. */
  snapshot<T>(read: (reads: StoreSnapshot) => Promise<T>): Promise<T>;
  /** Closes the Prisma client and the read path. */
  close(): Promise<void>;
}

/**
 * Opens (creating if needed) the SQLite file, applies pending migrations, and returns a Prisma
 * client using the better-sqlite3 driver adapter with WAL and a busy timeout (concurrent writers
 * wait for each other instead of failing with SQLITE_BUSY), beside a read path on its own read-only
 * connection.
 */
export function openDatabase(file: string): OpenedDatabase {
  const location = resolve(file);
  const migrations = applyMigrations(location);
  const adapter = new PrismaBetterSQLite3({ url: `file:${location}`, timeout: BUSY_TIMEOUT_MS });
  const db = new PrismaClient({ adapter });
  const reads = openSqliteReads(location);
  let closed = false;
  return {
    provider: "sqlite",
    location,
    db,
    reads,
    migrations,
    dateParameter: dateTimeParameter,
    snapshot: (read) => reads.transaction().execute(read),
    close: async () => {
      if (closed) return;
      closed = true;
      await reads.destroy();
      await db.$disconnect();
    },
  };
}
