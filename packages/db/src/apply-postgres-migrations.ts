import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import { listMigrations, type MigrationReport } from "./apply-migrations.js";

/** The PostgreSQL twin's migrations (prisma/postgres/migrations), applied in name order. */
export const POSTGRES_MIGRATIONS_DIRECTORY = fileURLToPath(
  new URL("../../../prisma/postgres/migrations", import.meta.url),
);

// The table `prisma migrate deploy` keeps on PostgreSQL, so Prisma's own tools agree with what was applied here.
const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

// Any fixed number: the key of the advisory lock that makes replicas starting together migrate one
// after the other.
const MIGRATION_LOCK_KEY = 7_346_201;

/**
 * `prisma migrate deploy` semantics on PostgreSQL, like applyMigrations on SQLite: applies every
 * migration not yet recorded in _prisma_migrations, each in its own transaction, records it with
 * Prisma's checksum, and refuses to continue when an applied migration was edited. Servers starting
 * at once over one database take turns (a session advisory lock), so each migration runs once.
 */
export async function applyPostgresMigrations(
  client: pg.ClientBase,
  directory = POSTGRES_MIGRATIONS_DIRECTORY,
  where = "the database",
): Promise<MigrationReport> {
  const migrations = listMigrations(directory);
  await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
  try {
    await client.query(MIGRATIONS_TABLE);
    const applied: string[] = [];
    const alreadyApplied: string[] = [];
    for (const migration of migrations) {
      const existing = await client.query<{ checksum: string }>(
        `SELECT checksum FROM "_prisma_migrations" WHERE migration_name = $1 AND finished_at IS NOT NULL AND rolled_back_at IS NULL`,
        [migration.name],
      );
      const stored = existing.rows[0];
      if (stored !== undefined) {
        if (stored.checksum !== migration.checksum) {
          throw new Error(
            `migration ${migration.name} was changed after it was applied to ${where}; restore the original file and add a new migration instead`,
          );
        }
        alreadyApplied.push(migration.name);
        continue;
      }
      await client.query("BEGIN");
      try {
        const startedAt = new Date();
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, now(), $3, $4, 1)`,
          [randomUUID(), migration.checksum, migration.name, startedAt],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
      applied.push(migration.name);
    }
    return { applied, alreadyApplied };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
  }
}
