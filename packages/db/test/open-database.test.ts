import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { applyMigrations, MIGRATIONS_DIRECTORY } from "../src/apply-migrations.js";
import { openDatabase } from "../src/open-database.js";

function freshFile(): string {
  return join(mkdtempSync(join(tmpdir(), "deadweight-db-")), "nested", "deadweight.db");
}

describe("openDatabase", () => {
  it("creates the file and its folder, applies every migration once, and turns on WAL", async () => {
    const file = freshFile();
    const first = openDatabase(file);
    const shipped = readdirSync(MIGRATIONS_DIRECTORY, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(first.migrations.applied).toEqual(shipped);
    await first.db.team.create({ data: { name: "Vision", slug: "vision" } });
    await first.close();

    const second = openDatabase(file);
    expect(second.migrations.applied).toEqual([]);
    expect(second.migrations.alreadyApplied).toContain("20261128000000_init");
    expect(await second.db.team.count()).toBe(1);
    await second.close();

    const raw = new Database(file, { readonly: true });
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    // The same bookkeeping `prisma migrate deploy` keeps, so Prisma's tools agree with us.
    const recorded = raw.prepare(`SELECT migration_name, checksum FROM "_prisma_migrations"`).all();
    raw.close();
    expect(recorded).toHaveLength(shipped.length);
  });

  it("refuses to run against a migration edited after it was applied", () => {
    const file = freshFile();
    const migrations = join(mkdtempSync(join(tmpdir(), "deadweight-migrations-")), "migrations");
    cpSync(MIGRATIONS_DIRECTORY, migrations, { recursive: true });
    applyMigrations(file, migrations);
    const sqlFile = join(migrations, "20261128000000_init", "migration.sql");
    writeFileSync(sqlFile, `${readFileSync(sqlFile, "utf8")}\n-- edited\n`);
    expect(() => applyMigrations(file, migrations)).toThrow(/was changed after it was applied/);
  });

  it("lets 20 parallel writers through without SQLITE_BUSY and loses nothing", async () => {
    const file = freshFile();
    const opened = openDatabase(file);
    // A second client on the same file: two connections really contend for SQLite's write lock.
    const other = openDatabase(file);
    const team = await opened.db.team.create({ data: { name: "Edge", slug: "edge" } });
    const writers = Array.from({ length: 20 }, (_, writer) =>
      (async () => {
        const client = writer % 2 === 0 ? opened.db : other.db;
        for (let i = 0; i < 10; i++) {
          await client.project.create({ data: { teamId: team.id, name: `p${writer}-${i}`, slug: `p${writer}-${i}` } });
        }
      })(),
    );
    await Promise.all(writers);
    expect(await opened.db.project.count({ where: { teamId: team.id } })).toBe(200);
    await other.close();
    await opened.close();
  });
});
