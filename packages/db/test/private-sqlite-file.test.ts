import { chmodSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../src/open-database.js";

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe("the SQLite file's permissions", () => {
  it("creates the database, its journals and its folder readable by this user only", async () => {
    const folder = join(mkdtempSync(join(tmpdir(), "deadweight-db-mode-")), "data");
    const file = join(folder, "deadweight.db");
    const opened = openDatabase(file);
    await opened.db.team.create({ data: { name: "Vision", slug: "vision" } });
    expect(modeOf(folder)).toBe(0o700);
    expect(modeOf(file)).toBe(0o600);
    // WAL mode: SQLite made these beside the file while writing, with the file's permissions.
    expect(modeOf(`${file}-wal`)).toBe(0o600);
    expect(modeOf(`${file}-shm`)).toBe(0o600);
    await opened.close();
  });

  it("narrows a database file someone made readable by others", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "deadweight-db-mode-")), "deadweight.db");
    writeFileSync(file, "");
    chmodSync(file, 0o644);
    const opened = openDatabase(file);
    expect(modeOf(file)).toBe(0o600);
    await opened.close();
  });
});
