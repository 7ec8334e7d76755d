import type Database from "better-sqlite3";
import type { SqliteDatabase, SqliteStatement } from "kysely";

/**
 * A better-sqlite3 connection as Kysely's SQLite dialect sees it, preparing each SQL text once.
 *
 * Why: Kysely's driver prepares every statement it runs; the read path builds the same few SQL
 * texts over and over (a list page, a run's results, an access check), and preparing them again
 * each time was a measurable part of a request. The texts of one process form a small fixed set
 * (values are always bound as parameters); the bound only stops a runaway caller.
 */
export class SqliteStatementCache implements SqliteDatabase {
  private readonly statements = new Map<string, Database.Statement>();

  static readonly MAX_STATEMENTS = 1_000;

  constructor(private readonly connection: Database.Database) {}

  prepare(sql: string): SqliteStatement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      if (this.statements.size >= SqliteStatementCache.MAX_STATEMENTS) this.statements.clear();
      statement = this.connection.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement as unknown as SqliteStatement;
  }

  close(): void {
    this.statements.clear();
    this.connection.close();
  }
}
