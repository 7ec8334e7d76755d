import { chmodSync, mkdirSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startApiServer } from "../src/server/start-api-server.js";
import { TEST_STORE, testDatabaseLocation } from "./test-database.js";

const modeOf = (path: string) => statSync(path).mode & 0o777;

async function startOn(dataDir: string, log: (line: string) => void = () => {}) {
  const database = await testDatabaseLocation();
  return startApiServer({ ...(database === undefined ? {} : { database }), dataDir, leaseSweepIntervalMs: 0, log });
}

describe("the data directory's permissions", () => {
  it("creates the data folder 0700 and its database and secret 0600", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "deadweight-data-mode-")), "data");
    const server = await startOn(dataDir);
    try {
      expect(modeOf(dataDir)).toBe(0o700);
      expect(modeOf(join(dataDir, "auth-secret"))).toBe(0o600);
      if (TEST_STORE === "sqlite") expect(modeOf(join(dataDir, "deadweight.db"))).toBe(0o600);
    } finally {
      await server.close();
    }
  });

  it("narrows a data folder others could read, and says so", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "deadweight-data-mode-")), "shared");
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    const lines: string[] = [];
    const server = await startOn(dataDir, (line) => lines.push(line));
    try {
      expect(modeOf(dataDir)).toBe(0o700);
      expect(lines).toContainEqual(expect.stringMatching(/readable by other users; narrowed to this user only/));
    } finally {
      await server.close();
    }
  });
});
