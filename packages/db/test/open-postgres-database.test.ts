import { cpSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestPostgresDatabase } from "@deadweight/test-support";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { applyPostgresMigrations, POSTGRES_MIGRATIONS_DIRECTORY } from "../src/apply-postgres-migrations.js";
import { openPostgresDatabase, StoreDatabaseError } from "../src/open-postgres-database.js";
import { storedDateTime } from "../src/stored-values.js";

// A zone far from UTC, so a time read or written as local time instead of UTC cannot pass unnoticed.
process.env.TZ = "Pacific/Chatham";

const server = () => inject("postgresUrl");
/** The migrations a fresh database gets: one folder each. */
const POSTGRES_MIGRATIONS = readdirSync(POSTGRES_MIGRATIONS_DIRECTORY, { withFileTypes: true }).filter((entry) =>
  entry.isDirectory(),
).length;

describe("openPostgresDatabase", () => {
  it("applies every migration once, then reads and writes through Prisma and the read path", async () => {
    const url = await createTestPostgresDatabase(server(), "open");
    const first = await openPostgresDatabase(url);
    const shipped = readdirSync(POSTGRES_MIGRATIONS_DIRECTORY, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(first.migrations.applied).toEqual(shipped);
    expect(first.provider).toBe("postgresql");
    expect(first.location).not.toContain("deadweight-test");
    const team = await first.db.team.create({ data: { name: "Vision", slug: "vision" } });
    await first.close();

    const second = await openPostgresDatabase(url);
    expect(second.migrations).toEqual({ applied: [], alreadyApplied: shipped });
    const read = await second.reads.selectFrom("Team").select(["id", "createdAt"]).executeTakeFirstOrThrow();
    expect(read.id).toBe(team.id);
    // The same instant through both paths, in a process whose local zone is 13 hours from UTC.
    expect(storedDateTime(read.createdAt)).toEqual(team.createdAt);
    expect(Math.abs(team.createdAt.getTime() - Date.now())).toBeLessThan(10 * 60_000);
    const after = await second.reads
      .selectFrom("Team")
      .select("id")
      .where("createdAt", ">=", second.dateParameter(team.createdAt))
      .execute();
    expect(after).toEqual([{ id: team.id }]);
    await second.close();
  });

  it("migrates once when several servers start at the same moment", async () => {
    const url = await createTestPostgresDatabase(server(), "race");
    const opened = await Promise.all([openPostgresDatabase(url), openPostgresDatabase(url), openPostgresDatabase(url)]);
    // One server applies every migration; the two others wait for it and find nothing to do.
    const applied = opened.map((database) => database.migrations.applied.length).sort();
    expect(applied).toEqual([0, 0, POSTGRES_MIGRATIONS]);
    await Promise.all(opened.map((database) => database.close()));
  });

  it("refuses a migration edited after it was applied", async () => {
    const url = await createTestPostgresDatabase(server(), "edited");
    const directory = mkdtempSync(join(tmpdir(), "deadweight-migrations-"));
    cpSync(POSTGRES_MIGRATIONS_DIRECTORY, directory, { recursive: true });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await applyPostgresMigrations(client, directory);
      const [name] = readdirSync(directory).filter((entry) => !entry.endsWith(".toml"));
      writeFileSync(join(directory, name!, "migration.sql"), "-- edited\n", { flag: "a" });
      await expect(applyPostgresMigrations(client, directory)).rejects.toThrow(
        /was changed after it was applied.*restore the original file and add a new migration instead/,
      );
    } finally {
      await client.end();
    }
  });

  it("says what to fix when the server cannot be reached, refuses the password, or lacks the database", async () => {
    const good = new URL(server());
    const unreachable = new URL(good);
    unreachable.port = "1";
    await expect(openPostgresDatabase(unreachable.toString())).rejects.toThrow(
      /cannot reach PostgreSQL at 127\.0\.0\.1:1 \(ECONNREFUSED\): is the server running/,
    );
    const wrongPassword = new URL(good);
    wrongPassword.password = "not-the-password";
    const refused = await openPostgresDatabase(wrongPassword.toString()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StoreDatabaseError);
    expect(String(refused)).toMatch(/refused user "deadweight" \(28P01\): check the user and password/);
    // The password never appears in what a person reads.
    expect(String(refused)).not.toContain("not-the-password");
    const missing = new URL(good);
    missing.pathname = "/no_such_database";
    await expect(openPostgresDatabase(missing.toString())).rejects.toThrow(
      /has no database "no_such_database": create it \(createdb no_such_database\)/,
    );
  });
});
