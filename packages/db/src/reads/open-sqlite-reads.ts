import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { BUSY_TIMEOUT_MS } from "../apply-migrations.js";
import { SqliteStatementCache } from "./sqlite-statement-cache.js";
import type { StoreReads } from "./store-reads.js";

/**
 * The read path on a SQLite file: Kysely over a read-only better-sqlite3 connection of its own.
 *
 * Why not Prisma for these reads: on the API's hot paths (experiment list, a run's results, a
 * 20-run compare, every access check) a CPU profile under 20 concurrent clients showed Prisma's own
 * work dominating (about 1 ms per query in its wasm query compiler and plan interpreter), where a
 * prepared statement answers in tens to hundreds of microseconds.
 *
 * Consistency: the file is in WAL mode, so this connection reads the last committed state while
 * Prisma writes; a query run after a Prisma write has resolved sees that write.
 */
export function openSqliteReads(file: string): StoreReads {
  const connection = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  return new Kysely({ dialect: new SqliteDialect({ database: new SqliteStatementCache(connection) }) });
}
