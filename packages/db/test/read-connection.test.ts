import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../src/open-database.js";
import { readConnectionFor } from "../src/read-connection.js";
import { dateTimeParameter, storedBoolean, storedDateTime, storedDateTimeOrNull } from "../src/stored-values.js";

// A zone far from UTC, so a stored time read as local time instead of UTC cannot pass unnoticed.
process.env.TZ = "Pacific/Chatham";

function freshFile(): string {
  return join(mkdtempSync(join(tmpdir(), "deadweight-read-")), "deadweight.db");
}

async function seededRun(db: ReturnType<typeof openDatabase>["db"]) {
  const user = await db.user.create({ data: { id: "u1", name: "U", email: "u@example.test" } });
  const team = await db.team.create({ data: { name: "T", slug: "t" } });
  const project = await db.project.create({ data: { teamId: team.id, name: "P", slug: "p" } });
  const experiment = await db.experiment.create({
    data: { projectId: project.id, name: "E", dataset: "mnist", config: "{}", createdById: user.id },
  });
  return db.run.create({ data: { experimentId: experiment.id, seed: null } });
}

describe("readConnectionFor", () => {
  it("reads what Prisma committed, including the write just made", async () => {
    const opened = openDatabase(freshFile());
    const reader = readConnectionFor(opened.db);
    expect(reader.get<{ n: number }>(`SELECT COUNT(*) AS n FROM "Team"`)).toEqual({ n: 0 });
    for (let i = 0; i < 5; i++) {
      await opened.db.team.create({ data: { name: `T${i}`, slug: `t${i}` } });
      expect(reader.get<{ n: number }>(`SELECT COUNT(*) AS n FROM "Team"`)).toEqual({ n: i + 1 });
    }
    expect(reader.tuples<[string]>(`SELECT "slug" FROM "Team" ORDER BY "slug" LIMIT 2`)).toEqual([["t0"], ["t1"]]);
    // One connection per database client, opened once.
    expect(readConnectionFor(opened.db)).toBe(reader);
    await opened.close();
  });

  it("cannot write", async () => {
    const opened = openDatabase(freshFile());
    expect(() =>
      readConnectionFor(opened.db).all(
        `INSERT INTO "Team" ("id", "name", "slug") VALUES ('x', 'x', 'x') RETURNING "id"`,
      ),
    ).toThrow(/readonly/);
    expect(await opened.db.team.count()).toBe(0);
    await opened.close();
  });

  it("gives a snapshot that commits made meanwhile do not change", async () => {
    const file = freshFile();
    const opened = openDatabase(file);
    const reader = readConnectionFor(opened.db);
    await opened.db.team.create({ data: { name: "before", slug: "before" } });
    const count = () => reader.get<{ n: number }>(`SELECT COUNT(*) AS n FROM "Team"`)?.n;
    const writer = new Database(file);
    const insert = writer.prepare(`INSERT INTO "Team" ("id", "name", "slug") VALUES (?, ?, ?)`);
    const seen = reader.snapshot(() => {
      const first = count();
      insert.run("t-during", "during", "during");
      return [first, count()];
    });
    expect(seen).toEqual([1, 1]);
    expect(count()).toBe(2);
    writer.close();
    await opened.close();
  });

  it("has a data version that changes with every commit made elsewhere, and holds still within a snapshot", async () => {
    const file = freshFile();
    const opened = openDatabase(file);
    const reader = readConnectionFor(opened.db);
    const before = reader.dataVersion();
    expect(reader.dataVersion()).toBe(before);

    await opened.db.team.create({ data: { name: "by Prisma", slug: "by-prisma" } });
    const afterPrisma = reader.dataVersion();
    expect(afterPrisma).not.toBe(before);

    // Another process's writer, committing in the middle of a snapshot: the snapshot keeps the
    // version (and the rows) it started with; the next read sees both change.
    const writer = new Database(file);
    const insert = writer.prepare(`INSERT INTO "Team" ("id", "name", "slug") VALUES (?, ?, ?)`);
    const count = () => reader.get<{ n: number }>(`SELECT COUNT(*) AS n FROM "Team"`)?.n;
    const seen = reader.snapshot(() => {
      const version = reader.dataVersion();
      const rows = count();
      insert.run("t-during", "during", "during");
      return { version, rows, versionAfterCommit: reader.dataVersion(), rowsAfterCommit: count() };
    });
    expect(seen).toEqual({ version: afterPrisma, rows: 1, versionAfterCommit: afterPrisma, rowsAfterCommit: 1 });
    expect(reader.dataVersion()).not.toBe(afterPrisma);
    expect(count()).toBe(2);

    // A write transaction that changes nothing is no new version.
    const settled = reader.dataVersion();
    writer.prepare(`UPDATE "Team" SET "name" = 'x' WHERE "id" = 'no-such-team'`).run();
    expect(reader.dataVersion()).toBe(settled);
    writer.close();
    await opened.close();
  });

  it("is closed with the database, and refuses clients not opened by openDatabase", async () => {
    const opened = openDatabase(freshFile());
    readConnectionFor(opened.db);
    await opened.close();
    expect(() => readConnectionFor(opened.db)).toThrow(/is closed/);
    const stranger = Object.create(opened.db) as typeof opened.db;
    expect(() => readConnectionFor(stranger)).toThrow(/not opened with openDatabase/);
  });
});

describe("stored values", () => {
  it("decode every DateTime form, booleans and floats to what Prisma returns", async () => {
    const opened = openDatabase(freshFile());
    const run = await seededRun(opened.db);
    await opened.db.resultRow.create({
      data: {
        runId: run.id,
        rowKey: "k",
        position: 0,
        threshold: "{}",
        status: "ok",
        keptNeurons: "[]",
        keptNeuronTotal: 3,
        parameters: 12,
        bytes: 48,
        validationAccuracy: 1,
        testAccuracy: 0.1 + 0.2,
        parameterReductionPercent: 0,
        neuronReductionPercent: 12.5,
        pareto: true,
      },
    });
    const forms: Array<string | number> = [
      dateTimeParameter(new Date("2026-11-28T08:09:59.123Z")),
      "2026-11-28 08:09:59",
      "2026-11-28 08:09:59.5",
      "2026-11-28T08:09:59Z",
      "2026-11-28T08:09:59+02",
      "2026-11-28T08:09:59-03:30",
      "2026-11-28",
      1_790_000_000_123,
    ];
    const reader = readConnectionFor(opened.db);
    for (const form of forms) {
      await opened.db.$executeRawUnsafe(`UPDATE "Run" SET "startedAt" = ? WHERE "id" = ?`, form, run.id);
      const viaPrisma = await opened.db.run.findUniqueOrThrow({ where: { id: run.id }, select: { startedAt: true } });
      const stored = reader.get<{ startedAt: string | number }>(`SELECT "startedAt" FROM "Run" WHERE "id" = ?`, [
        run.id,
      ]);
      expect(storedDateTime(stored?.startedAt as string | number), String(form)).toEqual(viaPrisma.startedAt);
    }
    expect(storedDateTimeOrNull(null)).toBeNull();

    const row = reader.get<{ pareto: number; validationAccuracy: number; testAccuracy: number; latency: null }>(
      `SELECT "pareto", "validationAccuracy", "testAccuracy", "latencyMsPerSample" AS "latency" FROM "ResultRow"`,
    );
    const viaPrisma = await opened.db.resultRow.findFirstOrThrow();
    expect(storedBoolean(row?.pareto as number)).toBe(viaPrisma.pareto);
    expect(row).toEqual({
      pareto: 1,
      validationAccuracy: viaPrisma.validationAccuracy,
      testAccuracy: viaPrisma.testAccuracy,
      latency: viaPrisma.latencyMsPerSample,
    });
    expect(storedBoolean(0)).toBe(false);
    await opened.close();
  });
});
