import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { S3Settings } from "@deadweight/api";
import type { CliEnv } from "../env.js";
import { ConfigError } from "./config-error.js";
import { parseFlags } from "./parse-flags.js";

export const STORE_COPY_USAGE = `deadweight store copy --from <store> --to <store> [options]

Copies a whole tracking store (every table, every artifact's bytes) into a new, empty one, then
checks it: the same rows in every table, every artifact readable with its sha256. For a team that
outgrows one machine: from the embedded SQLite store into PostgreSQL and an S3 bucket (or back).
Stop the source's servers first; the target must be empty.

A store is a data directory (holding deadweight.db and artifacts/), a SQLite file, or a postgres://
URL; a PostgreSQL store needs its artifacts' place too.

Options:
  --from <store>                the store to read
  --to <store>                  the store to write (a data directory that does not exist yet is created)
  --from-artifacts <location>   the source's artifacts: a folder or s3://bucket/prefix (default: beside a SQLite file)
  --to-artifacts <location>     the target's artifacts (default: beside a SQLite file)
  --s3-endpoint <url>           the S3-compatible service of s3:// locations (default: AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL)
  --s3-region <region>          (default: AWS_REGION / AWS_DEFAULT_REGION); credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
  --help                        show this help
`;

/** One side of a copy, as openStore takes it. */
export interface StoreSide {
  readonly dataDir: string;
  readonly database: string;
  readonly artifacts: string | undefined;
}

export interface StoreCopyArguments {
  readonly help: boolean;
  readonly from: StoreSide | undefined;
  readonly to: StoreSide | undefined;
  readonly s3: S3Settings;
}

export function parseStoreCopyArguments(argv: readonly string[], env: Pick<CliEnv, "s3">): StoreCopyArguments {
  const values = parseFlags(
    argv,
    {
      help: { type: "boolean", short: "h" },
      from: { type: "string" },
      to: { type: "string" },
      "from-artifacts": { type: "string" },
      "to-artifacts": { type: "string" },
      "s3-endpoint": { type: "string" },
      "s3-region": { type: "string" },
    },
    STORE_COPY_USAGE,
  );
  if (values.help === true) return { help: true, from: undefined, to: undefined, s3: env.s3 };
  const text = (name: string) => values[name] as string | undefined;
  const from = text("from");
  const to = text("to");
  if (from === undefined || to === undefined) {
    throw new ConfigError(`give both --from and --to\n\n${STORE_COPY_USAGE}`);
  }
  const endpoint = text("s3-endpoint");
  const region = text("s3-region");
  return {
    help: false,
    from: sideOf("--from", from, text("from-artifacts"), true),
    to: sideOf("--to", to, text("to-artifacts"), false),
    s3: { ...env.s3, ...(endpoint === undefined ? {} : { endpoint }), ...(region === undefined ? {} : { region }) },
  };
}

function sideOf(flag: string, store: string, artifacts: string | undefined, mustExist: boolean): StoreSide {
  if (/^postgres(ql)?:\/\//i.test(store)) {
    if (artifacts === undefined) {
      throw new ConfigError(
        `${flag} is a PostgreSQL store: say where its artifacts are with ${flag}-artifacts <folder or s3://bucket/prefix>`,
      );
    }
    // Nothing of a PostgreSQL store lives in a data directory; this one only holds S3 downloads in passing.
    return { dataDir: mkdtempSync(join(tmpdir(), "deadweight-store-copy-")), database: store, artifacts };
  }
  const path = resolve(store);
  const isFolder = existsSync(path) ? statSync(path).isDirectory() : !path.endsWith(".db");
  if (mustExist && !existsSync(isFolder ? join(path, "deadweight.db") : path)) {
    throw new ConfigError(
      `${flag}: no store at ${path} (expected ${isFolder ? `${join(path, "deadweight.db")}` : "a SQLite file"}, or a postgres:// URL)`,
    );
  }
  const dataDir = isFolder ? path : dirname(path);
  return { dataDir, database: isFolder ? join(path, "deadweight.db") : path, artifacts };
}
