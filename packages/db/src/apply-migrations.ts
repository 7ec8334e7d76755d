import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { preparePrivateSqliteFile } from "./private-sqlite-file.js";

/** The repository's versioned migrations (prisma/migrations), applied in name order. */
export const MIGRATIONS_DIRECTORY = fileURLToPath(new URL("../../../prisma/migrations", import.meta.url));

/** How long a connection waits for another writer before SQLite reports SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 15_000;

// The table `prisma migrate deploy` keeps, so Prisma's own tools agree with what was applied here.
const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

export interface MigrationReport {
  readonly applied: string[];
  readonly alreadyApplied: string[];
}

/**
 * `prisma migrate deploy` semantics without the Prisma CLI: applies every migration folder not yet
 * recorded in _prisma_migrations, each in its own transaction, and records it with the same sha256
 * checksum Prisma uses. Idempotent; concurrent callers serialise on SQLite's write lock. Also turns
 * on WAL so readers never block the writer. Refuses to continue if an applied migration was edited.
 */
export function applyMigrations(file: string, directory = MIGRATIONS_DIRECTORY): MigrationReport {
  const migrations = listMigrations(directory);
  preparePrivateSqliteFile(file);
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma("journal_mode = WAL");
    db.exec(MIGRATIONS_TABLE);
    const applied: string[] = [];
    const alreadyApplied: string[] = [];
    for (const migration of migrations) {
      const outcome = db
        .transaction(() => {
          const existing = db
            .prepare(
              `SELECT checksum FROM "_prisma_migrations" WHERE migration_name = ? AND finished_at IS NOT NULL AND rolled_back_at IS NULL`,
            )
            .get(migration.name) as { checksum: string } | undefined;
          if (existing !== undefined) {
            if (existing.checksum !== migration.checksum) {
              throw new Error(
                `migration ${migration.name} was changed after it was applied to ${file}; restore the original file and add a new migration instead`,
              );
            }
            return "already" as const;
          }
          const startedAt = new Date().toISOString();
          db.exec(migration.sql);
          db.prepare(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)`,
          ).run(randomUUID(), migration.checksum, new Date().toISOString(), migration.name, startedAt);
          return "applied" as const;
        })
        .immediate();
      (outcome === "applied" ? applied : alreadyApplied).push(migration.name);
    }
    return { applied, alreadyApplied };
  } finally {
    db.close();
  }
}

export interface Migration {
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

/** The migration folders of `directory` in name order, each with its SQL and Prisma's checksum of it. */
export function listMigrations(directory: string): Migration[] {
  if (!existsSync(directory)) throw new Error(`migrations folder ${directory} does not exist`);
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(directory, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(directory, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}
