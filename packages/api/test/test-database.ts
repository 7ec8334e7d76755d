import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Db } from "@deadweight/db";
import { afterAll } from "vitest";
import { openLocalStore, type Store } from "../src/store/store.js";

/**
 * A real store in a fresh temporary folder (a SQLite file migrated like production, and an artifact
 * folder), closed after the test file. Each test file gets its own; no Prisma mocks.
 */
export function createTestDatabase(options: Parameters<typeof openLocalStore>[1] = {}): {
  store: Store;
  db: Db;
  file: string;
  folder: string;
} {
  const folder = mkdtempSync(join(tmpdir(), "deadweight-api-test-"));
  const store = openLocalStore(folder, options);
  afterAll(() => store.close());
  return { store, db: store.db, file: store.location, folder };
}
