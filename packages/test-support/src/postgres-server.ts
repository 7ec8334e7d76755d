import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

declare module "vitest" {
  export interface ProvidedContext {
    /** The superuser URL of the PostgreSQL server started for a test run (postgres-global-setup.ts). */
    postgresUrl: string;
  }
}

/** A PostgreSQL server of the tests' own: a fresh cluster in a temp folder, on a free loopback port. */
export interface TestPostgres {
  /** postgres://deadweight:<password>@127.0.0.1:<port>/postgres (loopback only). */
  readonly url: string;
  readonly port: number;
  /** Stops the server at once and deletes its folder. */
  stop(): Promise<void>;
}

/** The test cluster's password for its superuser "deadweight". */
export const TEST_POSTGRES_PASSWORD = "deadweight-test";

/** Where Debian's PostgreSQL binaries are (the newest version installed), or PG_BIN. */
export function postgresBinDirectory(): string {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv !== undefined && existsSync(join(fromEnv, "initdb"))) return fromEnv;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0] === undefined) {
    throw new Error(
      "PostgreSQL's server binaries are not installed (no /usr/lib/postgresql/<version>/bin/initdb): run `sudo apt-get install -y postgresql` (npm test does it when it may), or set PG_BIN",
    );
  }
  return join(root, versions[0], "bin");
}

/**
 * Starts a PostgreSQL cluster for tests: initdb into a temp folder, then the server on 127.0.0.1 and
 * a free port, tuned for speed (no fsync) and in UTC. As root it runs as the `postgres` system user
 * (PostgreSQL refuses to run as root).
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDirectory();
  const folder = mkdtempSync(join(tmpdir(), "deadweight-pg-"));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(folder, uid, gid);
  }
  const run = (command: string, args: string[]) => {
    const result = asRoot
      ? spawnSync("runuser", ["-u", "postgres", "--", join(bin, command), ...args], { encoding: "utf8" })
      : spawnSync(join(bin, command), args, { encoding: "utf8" });
    if (result.status !== 0) {
      throw new Error(`${command} failed (${result.status}): ${result.stderr || result.stdout || result.error}`);
    }
  };
  const data = join(folder, "data");
  // Password authentication over TCP, as a real deployment has it (so a wrong password is refused).
  const passwordFile = join(folder, "password");
  writeFileSync(passwordFile, `${TEST_POSTGRES_PASSWORD}\n`, { mode: 0o600 });
  if (asRoot) chownSync(passwordFile, Number(execFileSync("id", ["-u", "postgres"]).toString().trim()), 0);
  run("initdb", [
    "-D",
    data,
    "-U",
    "deadweight",
    `--pwfile=${passwordFile}`,
    "--auth-host=scram-sha-256",
    "--auth-local=trust",
    "-E",
    "UTF8",
    "--no-locale",
  ]);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    `-k ${folder}`,
    "-c listen_addresses=127.0.0.1",
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
    "-c timezone=UTC",
    "-c max_connections=300",
  ].join(" ");
  run("pg_ctl", ["-D", data, "-o", settings, "-l", join(folder, "server.log"), "-w", "-t", "60", "start"]);
  return {
    url: `postgres://deadweight:${TEST_POSTGRES_PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    stop: async () => {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}

/** A new, empty database on the test server (its own per test file); returns its URL. */
export async function createTestPostgresDatabase(serverUrl: string, prefix = "test"): Promise<string> {
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, "_");
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
