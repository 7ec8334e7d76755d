import { Kysely, PostgresDialect } from "kysely";
import type pg from "pg";
import type { StoreReads } from "./store-reads.js";

/** The read path on PostgreSQL: Kysely over a connection pool of its own (see postgres-connection.ts). */
export function openPostgresReads(pool: pg.Pool): StoreReads {
  return new Kysely({ dialect: new PostgresDialect({ pool }) });
}
