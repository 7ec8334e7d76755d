import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Db } from "@deadweight/db";
import { createTestPostgresDatabase } from "@deadweight/test-support";
import { afterAll, inject } from "vitest";
import { openStore, type Store } from "../src/store/store.js";

/** Which store this test run exercises: the "sqlite" or the "postgres" project of vitest.config.ts. */
export const TEST_STORE = process.env.DEADWEIGHT_TEST_STORE === "postgres" ? "postgres" : "sqlite";

/**
 * The `database` a server or store of this test file should open: undefined on SQLite (the data
 * folder's file), else a fresh database of its own on the run's PostgreSQL server.
 */
export async function testDatabaseLocation(): Promise<string | undefined> {
  return TEST_STORE === "postgres" ? createTestPostgresDatabase(inject("postgresUrl"), "api") : undefined;
}

/**
 * A real store in a fresh temporary folder, closed after the test file: a SQLite file migrated like
 * production, or (the postgres project) a fresh PostgreSQL database with its migrations and change
 * feed; the artifact folder in the temp folder either way. No Prisma mocks.
 */
export async function createTestDatabase(
  options: { readonly queueRecheckMs?: number } = {},
): Promise<{ store: Store; db: Db; file: string; folder: string }> {
  const folder = mkdtempSync(join(tmpdir(), "deadweight-api-test-"));
  const database = await testDatabaseLocation();
  const store = await openStore({
    dataDir: folder,
    ...(database === undefined ? {} : { database }),
    ...(options.queueRecheckMs === undefined ? {} : { queueRecheckMs: options.queueRecheckMs }),
  });
  afterAll(() => store.close());
  return { store, db: store.db, file: store.location, folder };
}
