import { resolve } from "node:path";
import Database from "better-sqlite3";
import { BUSY_TIMEOUT_MS } from "./apply-migrations.js";
import type { Db } from "./open-database.js";

/**
 * A read-only better-sqlite3 connection on the same SQLite file as a Db, with every statement
 * prepared once per SQL text.
 *
 * Why reads bypass Prisma here: on the API's hot read paths (experiment list, a run's results, a
 * 20-run compare) a CPU profile of the server under 20 concurrent clients showed Prisma's own work,
 * not SQLite's, dominating: about 1 ms per query in the wasm query compiler and the JS interpreter
 * of its query plans, plus the driver adapter re-preparing every statement and mapping every row
 * (which also made a relation like "the latest run" load every run of the page). A prepared
 * statement answers the same question in tens to hundreds of microseconds. With those three reads
 * moved here (and smaller changes around them), the server's CPU per request under that load went
 * from 4.9 to 1.6 ms for the list and from 7.4 to 2.7 ms for the compare. The API's access checks
 * (who owns an object, a person's role, an API token) read here too: through Prisma, the first
 * check of each run cost more than reading its results. Writes stay with Prisma.
 *
 * Consistency: the file is in WAL mode, so this connection reads the last committed state while
 * Prisma writes; a statement run after a Prisma write has resolved sees that write (each statement
 * outside `snapshot` starts its own read transaction). Values come back as SQLite stores them:
 * decode DateTime and Boolean columns with stored-values.ts.
 */
export class ReadConnection {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly rawStatements = new Map<string, Database.Statement>();
  private readonly inTransaction: (read: () => unknown) => unknown;

  /** The SQL texts of one caller form a small fixed set; this bound only stops a runaway caller. */
  static readonly MAX_STATEMENTS = 1_000;

  constructor(private readonly connection: Database.Database) {
    this.inTransaction = connection.transaction((read: () => unknown) => read());
  }

  /** Every row of `sql` with `parameters` bound in order. */
  all<Row>(sql: string, parameters: readonly unknown[] = []): Row[] {
    return this.statement(sql).all(...parameters) as Row[];
  }

  /**
   * Every row of `sql` as an array of its column values, in the order selected: for large results,
   * where building an object per row costs more than reading it.
   */
  tuples<Row extends unknown[]>(sql: string, parameters: readonly unknown[] = []): Row[] {
    return this.statement(sql, true).all(...parameters) as Row[];
  }

  /** The first row of `sql`, or undefined. */
  get<Row>(sql: string, parameters: readonly unknown[] = []): Row | undefined {
    return this.statement(sql).get(...parameters) as Row | undefined;
  }

  /**
   * A number that changes whenever a commit by any other connection (Prisma's, another process's)
   * has reached this connection's view of the file, so that results derived from it can be cached
   * until then. Called first inside `snapshot`, it is the version of the state that snapshot reads.
   */
  dataVersion(): number {
    return (this.statement(`PRAGMA data_version`).get() as { data_version: number }).data_version;
  }

  /** Runs `read` in one read transaction, so all its statements see the same committed state. */
  snapshot<T>(read: () => T): T {
    return this.inTransaction(read) as T;
  }

  close(): void {
    this.statements.clear();
    this.rawStatements.clear();
    this.connection.close();
  }

  private statement(sql: string, raw = false): Database.Statement {
    const cache = raw ? this.rawStatements : this.statements;
    let statement = cache.get(sql);
    if (statement === undefined) {
      if (cache.size >= ReadConnection.MAX_STATEMENTS) cache.clear();
      statement = this.connection.prepare(sql);
      if (raw) statement.raw(true);
      cache.set(sql, statement);
    }
    return statement;
  }
}

interface ReadSource {
  readonly file: string;
  connection: ReadConnection | undefined;
  closed: boolean;
}

const sources = new WeakMap<Db, ReadSource>();

/**
 * Remembers which file `db` was opened on, so readConnectionFor can open a reader on it; returns
 * the function that closes that reader (openDatabase's close calls it).
 */
export function attachReadSource(db: Db, file: string): () => void {
  const source: ReadSource = { file: resolve(file), connection: undefined, closed: false };
  sources.set(db, source);
  return () => {
    source.closed = true;
    source.connection?.close();
    source.connection = undefined;
  };
}

/** The read-only connection beside `db` (opened on first use, closed with the database). */
export function readConnectionFor(db: Db): ReadConnection {
  const source = sources.get(db);
  if (source === undefined) {
    throw new Error("this database client was not opened with openDatabase, so it has no read connection");
  }
  if (source.closed) throw new Error(`the database ${source.file} is closed`);
  if (source.connection === undefined) {
    const connection = new Database(source.file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    source.connection = new ReadConnection(connection);
  }
  return source.connection;
}
