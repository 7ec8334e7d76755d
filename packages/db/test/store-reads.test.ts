import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../src/open-database.js";
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

describe("the read path", () => {
  it("reads what Prisma committed, including the write just made", async () => {
    const opened = openDatabase(freshFile());
    const count = async () =>
      (
        await opened.reads
          .selectFrom("Team")
          .select((q) => q.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n;
    expect(await count()).toBe(0);
    for (let i = 0; i < 5; i++) {
      await opened.db.team.create({ data: { name: `T${i}`, slug: `t${i}` } });
      expect(await count()).toBe(i + 1);
    }
    const slugs = await opened.reads.selectFrom("Team").select("slug").orderBy("slug").limit(2).execute();
    expect(slugs).toEqual([{ slug: "t0" }, { slug: "t1" }]);
    await opened.close();
  });

  it("cannot write", async () => {
    const opened = openDatabase(freshFile());
    await expect(opened.reads.insertInto("Team").values({ id: "x", name: "x", slug: "x" }).execute()).rejects.toThrow(
      /readonly/,
    );
    expect(await opened.db.team.count()).toBe(0);
    await opened.close();
  });

  it("gives a snapshot that commits made meanwhile do not change", async () => {
    const file = freshFile();
    const opened = openDatabase(file);
    await opened.db.team.create({ data: { name: "before", slug: "before" } });
    const writer = new Database(file);
    const insert = writer.prepare(`INSERT INTO "Team" ("id", "name", "slug") VALUES (?, ?, ?)`);
    const seen = await opened.snapshot(async (reads) => {
      const count = async () => (await reads.selectFrom("Team").select("id").execute()).length;
      const first = await count();
      insert.run("t-during", "during", "during");
      return [first, await count()];
    });
    expect(seen).toEqual([1, 1]);
    expect((await opened.reads.selectFrom("Team").select("id").execute()).length).toBe(2);
    writer.close();
    await opened.close();
  });

  it("compares DateTime columns with the parameter form this database stores", async () => {
    const opened = openDatabase(freshFile());
    const team = await opened.db.team.create({ data: { name: "dated", slug: "dated" } });
    const createdSince = (moment: Date) =>
      opened.reads.selectFrom("Team").select("id").where("createdAt", ">=", opened.dateParameter(moment)).execute();
    expect(await createdSince(new Date(team.createdAt.getTime()))).toEqual([{ id: team.id }]);
    expect(await createdSince(new Date(team.createdAt.getTime() + 1))).toEqual([]);
    await opened.close();
  });

  it("is closed with the database, and closing twice is harmless", async () => {
    const file = freshFile();
    const opened = openDatabase(file);
    await opened.db.team.create({ data: { name: "T", slug: "t" } });
    await opened.reads.selectFrom("Team").select("id").execute();
    expect(existsSync(`${file}-wal`)).toBe(true);
    await opened.close();
    await opened.close();
    // SQLite removes the write-ahead log when the last connection to the file closes.
    expect(existsSync(`${file}-wal`)).toBe(false);
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
    for (const form of forms) {
      await opened.db.$executeRawUnsafe(`UPDATE "Run" SET "startedAt" = ? WHERE "id" = ?`, form, run.id);
      const viaPrisma = await opened.db.run.findUniqueOrThrow({ where: { id: run.id }, select: { startedAt: true } });
      const stored = await opened.reads
        .selectFrom("Run")
        .select("startedAt")
        .where("id", "=", run.id)
        .executeTakeFirstOrThrow();
      expect(storedDateTime(stored.startedAt as string | number), String(form)).toEqual(viaPrisma.startedAt);
    }
    expect(storedDateTimeOrNull(null)).toBeNull();

    const row = await opened.reads
      .selectFrom("ResultRow")
      .select(["pareto", "validationAccuracy", "testAccuracy", "latencyMsPerSample as latency"])
      .executeTakeFirstOrThrow();
    const viaPrisma = await opened.db.resultRow.findFirstOrThrow();
    expect(storedBoolean(row.pareto)).toBe(viaPrisma.pareto);
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
