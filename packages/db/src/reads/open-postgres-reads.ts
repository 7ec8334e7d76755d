import { createHash } from "node:crypto";
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from "kysely";
import type pg from "pg";
import type { StoreReads } from "./store-reads.js";

/**
 * The read path on PostgreSQL: Kysely over a connection pool of its own, every query sent as a
 * named prepared statement.
 *
 * Why named: the read path sends the same few SQL texts over and over (a list page, a run's results,
 * an access check), and PostgreSQL parses and plans an unnamed statement every time; a named one is
 * parsed once per connection and, after a few runs, planned once. On bench:api that planning was
 * most of the database's CPU per request. The texts of one process form a small fixed set (values
 * are always bound as parameters).
 */
export function openPostgresReads(pool: pg.Pool): StoreReads {
  return new Kysely({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
}

function preparingPool(pool: pg.Pool): PostgresPool {
  const names = new StatementNames();
  return {
    connect: async () =>
      preparingClient((await pool.connect()) as unknown as PostgresPoolClient & pg.PoolClient, names),
    end: () => pool.end(),
  };
}

function preparingClient(client: PostgresPoolClient & pg.PoolClient, names: StatementNames): PostgresPoolClient {
  return {
    query: ((text: unknown, values?: readonly unknown[]) => {
      // Cursors (streamed queries) and configs pass through as they are.
      if (typeof text !== "string") return client.query(text as never);
      // Statements without parameters (BEGIN, COMMIT, SET ...) are not worth a name.
      if (values === undefined || values.length === 0) return client.query(text, values as unknown[]);
      return client.query({ name: names.of(text), text, values: values as unknown[] });
    }) as PostgresPoolClient["query"],
    release: () => client.release(),
  };
}

/** A statement's name: the same for the same SQL text on every connection (memoised hash). */
class StatementNames {
  private readonly names = new Map<string, string>();

  of(text: string): string {
    let name = this.names.get(text);
    if (name === undefined) {
      if (this.names.size >= 1_000) this.names.clear();
      name = `dw_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
      this.names.set(text, name);
    }
    return name;
  }
}
