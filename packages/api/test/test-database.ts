import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Db, openDatabase } from "@deadweight/db";
import { afterAll } from "vitest";

/**
 * A real SQLite file in a fresh temporary folder, migrated like production, closed after the test
 * file. Each test file gets its own database; no Prisma mocks.
 */
export function createTestDatabase(): { db: Db; file: string; folder: string } {
  const folder = mkdtempSync(join(tmpdir(), "deadweight-api-test-"));
  const file = join(folder, "deadweight.db");
  const opened = openDatabase(file);
  afterAll(() => opened.close());
  return { db: opened.db, file, folder };
}
