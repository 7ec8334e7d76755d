import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestPostgresDatabase } from "@deadweight/test-support";
import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { postgresSchemaOf } from "../scripts/postgres-schema-of.mjs";
import { applyMigrations } from "../src/apply-migrations.js";
import { applyPostgresMigrations } from "../src/apply-postgres-migrations.js";

// Each provider's migrations must produce exactly the database its Prisma schema describes. Checked
// offline: one database is built by applying the migrations, another from the full script Prisma
// writes for the schema (`prisma migrate diff --from-empty`), and their catalogs are compared.

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const SQLITE_SCHEMA = join(ROOT, "prisma/schema.prisma");
const POSTGRES_SCHEMA = join(ROOT, "prisma/postgres/schema.prisma");

function fullScriptOf(schema: string): string {
  return execFileSync(
    "npx",
    ["prisma", "migrate", "diff", "--from-empty", "--to-schema-datamodel", schema, "--script"],
    { cwd: ROOT, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } },
  );
}

describe("the PostgreSQL schema", () => {
  it("is the SQLite schema's twin (run packages/db/scripts/write-postgres-schema.mjs after editing prisma/schema.prisma)", () => {
    expect(readFileSync(POSTGRES_SCHEMA, "utf8")).toBe(postgresSchemaOf(readFileSync(SQLITE_SCHEMA, "utf8")));
  });
});

describe("SQLite: the migrations produce the schema", () => {
  it("gives the same tables, columns, indexes and foreign keys as the schema's own script", () => {
    const folder = mkdtempSync(join(tmpdir(), "deadweight-schema-"));
    const migrated = join(folder, "migrated.db");
    applyMigrations(migrated);
    const fromSchema = new Database(join(folder, "from-schema.db"));
    fromSchema.exec(fullScriptOf(SQLITE_SCHEMA));
    const migratedDb = new Database(migrated, { readonly: true });
    expect(sqliteCatalog(migratedDb)).toEqual(sqliteCatalog(fromSchema));
    migratedDb.close();
    fromSchema.close();
  }, 60_000);
});

describe("PostgreSQL: the migrations produce the schema", () => {
  it("gives the same tables, columns, indexes and constraints as the schema's own script", async () => {
    const server = inject("postgresUrl");
    const migrated = new pg.Client({ connectionString: await createTestPostgresDatabase(server, "migrated") });
    const fromSchema = new pg.Client({ connectionString: await createTestPostgresDatabase(server, "schema") });
    await migrated.connect();
    await fromSchema.connect();
    try {
      await applyPostgresMigrations(migrated);
      await fromSchema.query(fullScriptOf(POSTGRES_SCHEMA));
      expect(await postgresCatalog(migrated)).toEqual(await postgresCatalog(fromSchema));
    } finally {
      await migrated.end();
      await fromSchema.end();
    }
  }, 60_000);
});

/** Every table of the app (not the migrations' bookkeeping) with its columns, indexes and foreign keys. */
function sqliteCatalog(db: Database.Database) {
  const tables = (
    db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations' ORDER BY name`,
      )
      .all() as { name: string }[]
  ).map((row) => row.name);
  return tables.map((table) => ({
    table,
    // By name: a column added later by a migration comes last in the table, which changes nothing.
    columns: (db.prepare(`PRAGMA table_info("${table}")`).all() as { cid: number; name: string }[])
      .map(({ cid: _position, ...column }) => column)
      .sort((a, b) => a.name.localeCompare(b.name)),
    indexes: (db.prepare(`PRAGMA index_list("${table}")`).all() as { name: string; unique: number; origin: string }[])
      .map((index) => ({
        name: index.name,
        unique: index.unique,
        origin: index.origin,
        columns: (db.prepare(`PRAGMA index_info("${index.name}")`).all() as { name: string }[]).map((c) => c.name),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    foreignKeys: db.prepare(`PRAGMA foreign_key_list("${table}")`).all(),
  }));
}

async function postgresCatalog(client: pg.Client) {
  const rows = async (sql: string) => (await client.query(sql)).rows;
  return {
    columns:
      await rows(`SELECT table_name, column_name, data_type, is_nullable, column_default, character_maximum_length,
        numeric_precision, datetime_precision
      FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
      ORDER BY table_name, column_name`),
    indexes: await rows(`SELECT tablename, indexname, indexdef FROM pg_indexes
      WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY tablename, indexname`),
    constraints:
      await rows(`SELECT c.conrelid::regclass::text AS table_name, c.conname, c.contype, pg_get_constraintdef(c.oid) AS definition
      FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE n.nspname = 'public' AND c.conrelid::regclass::text <> '_prisma_migrations'
      ORDER BY table_name, c.conname`),
  };
}
