import pg from "pg";

/**
 * How every connection of the store talks to PostgreSQL: in UTC (Prisma writes DateTime values as
 * UTC wall-clock times into TIMESTAMP(3) columns, and `now()` defaults must agree), and reading
 * TIMESTAMP (without time zone) as UTC, where node-postgres would read it as local time.
 */
export function postgresPoolConfig(url: string, max: number): pg.PoolConfig {
  return {
    connectionString: url,
    max,
    options: "-c TimeZone=UTC",
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === TIMESTAMP_OID && format !== "binary"
          ? (value: string) => new Date(`${value.replace(" ", "T")}Z`)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  };
}

const TIMESTAMP_OID = 1114;

/** A PostgreSQL URL as people may see it: without its password. */
export function redactedPostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(an unreadable PostgreSQL URL)";
  }
}

/** Whether a store location names PostgreSQL (postgres:// or postgresql://). */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * An error from connecting to PostgreSQL as a sentence saying what to fix, or null when it is not a
 * connection problem.
 */
export function postgresConnectionProblem(error: unknown, url: string): string | null {
  const code = (error as { code?: string } | null)?.code;
  const shown = redactedPostgresUrl(url);
  let where = shown;
  let user = "";
  let database = "";
  try {
    const parsed = new URL(url);
    where = `${parsed.hostname}:${parsed.port || "5432"}`;
    user = decodeURIComponent(parsed.username);
    database = decodeURIComponent(parsed.pathname.slice(1));
  } catch {
    return `the database URL ${shown} is not a URL: write it as postgres://user:password@host:5432/database`;
  }
  switch (code) {
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ECONNRESET":
      return `cannot reach PostgreSQL at ${where} (${code}): is the server running, and is the host and port in ${shown} right?`;
    case "28P01":
    case "28000":
      return `PostgreSQL at ${where} refused user "${user}" (${code}): check the user and password in the database URL`;
    case "3D000":
      return `PostgreSQL at ${where} has no database "${database}": create it (createdb ${database}) or fix the database URL`;
    default:
      return null;
  }
}
