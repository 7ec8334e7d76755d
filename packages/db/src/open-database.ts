import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { applyMigrations, BUSY_TIMEOUT_MS, type MigrationReport } from "./apply-migrations.js";
import { PrismaClient } from "./generated/client.js";
import { attachReadSource } from "./read-connection.js";

/** The tracking store's client: a Prisma client on one SQLite file. */
export type Db = PrismaClient;

export interface OpenedDatabase {
  readonly db: Db;
  readonly migrations: MigrationReport;
  /** Closes the Prisma client and the read connection beside it (see read-connection.ts). */
  close(): Promise<void>;
}

/**
 * Opens (creating if needed) the SQLite file, applies pending migrations, and returns a Prisma
 * client using the better-sqlite3 driver adapter with WAL and a busy timeout, so concurrent
 * writers wait for each other instead of failing with SQLITE_BUSY. readConnectionFor(db) reads the
 * same file without Prisma.
 */
export function openDatabase(file: string): OpenedDatabase {
  const migrations = applyMigrations(file);
  const adapter = new PrismaBetterSQLite3({ url: `file:${file}`, timeout: BUSY_TIMEOUT_MS });
  const db = new PrismaClient({ adapter });
  const closeReader = attachReadSource(db, file);
  return {
    db,
    migrations,
    close: async () => {
      closeReader();
      await db.$disconnect();
    },
  };
}
