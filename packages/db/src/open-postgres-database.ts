import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { applyPostgresMigrations } from "./apply-postgres-migrations.js";
import { PrismaClient as PostgresPrismaClient } from "./generated-postgres/client.js";
import type { Db, OpenedDatabase } from "./open-database.js";
import { postgresConnectionProblem, postgresPoolConfig, redactedPostgresUrl } from "./postgres-connection.js";
import { openPostgresReads } from "./reads/open-postgres-reads.js";

/** A store database on PostgreSQL could not be opened; the message says what to fix. */
export class StoreDatabaseError extends Error {
  override readonly name = "StoreDatabaseError";
}

export interface PostgresDatabaseOptions {
  /** Connections of Prisma's pool (writes); default 10. */
  readonly poolSize?: number;
  /** Connections of the read path's pool; default 20 (a server's concurrent reads queue on it). */
  readonly readPoolSize?: number;
}

/**
 * Opens the tracking store on PostgreSQL: applies pending migrations (replicas starting together
 * take turns), then returns Prisma's client over the pg driver adapter for writes and a Kysely read
 * path, each with its own pool. Fails with a StoreDatabaseError naming what to fix when the server
 * cannot be reached, refuses the credentials, or has no such database.
 */
export async function openPostgresDatabase(
  url: string,
  options: PostgresDatabaseOptions = {},
): Promise<OpenedDatabase> {
  const location = redactedPostgresUrl(url);
  const poolSize = options.poolSize ?? 10;
  const migrator = new pg.Client(postgresPoolConfig(url, 1));
  let migrations: OpenedDatabase["migrations"];
  try {
    await migrator.connect();
    migrations = await applyPostgresMigrations(migrator, undefined, location);
  } catch (error) {
    const problem = postgresConnectionProblem(error, url);
    throw problem === null ? error : new StoreDatabaseError(problem, { cause: error });
  } finally {
    await migrator.end().catch(() => {});
  }
  const readPool = new pg.Pool(postgresPoolConfig(url, options.readPoolSize ?? 20));
  // An idle pooled connection that the server drops must not take the process down.
  readPool.on("error", () => {});
  const reads = openPostgresReads(readPool);
  // The PostgreSQL client has the same models and methods as the SQLite one (both are generated from
  // one schema, see packages/db/scripts/postgres-schema-of.mjs); callers see one Db type.
  const db = new PostgresPrismaClient({
    adapter: new PrismaPg(postgresPoolConfig(url, poolSize)),
  }) as unknown as Db;
  let closed = false;
  return {
    provider: "postgresql",
    location,
    db,
    reads,
    migrations,
    // UTC wall-clock text, as Prisma stores it in TIMESTAMP(3): node-postgres would send a Date in the
    // process's local zone with an offset, which PostgreSQL drops when it reads a TIMESTAMP.
    dateParameter: (date) => date.toISOString().slice(0, -1),
    snapshot: (read) => reads.transaction().setIsolationLevel("repeatable read").execute(read),
    close: async () => {
      if (closed) return;
      closed = true;
      await reads.destroy();
      await db.$disconnect();
    },
  };
}
