import type { S3Settings } from "@deadweight/api";
import { parseExperimentLimits } from "@deadweight/experiment-config";
import { type HostSettings, parseHostSettings } from "@deadweight/server";
import type { CliEnv } from "../env.js";
import { ConfigError } from "./config-error.js";
import { parseFlags } from "./parse-flags.js";

export const DEFAULT_PLATFORM_PORT = 4100;

export const PLATFORM_USAGE = `deadweight platform [options]

Starts the whole platform on this machine: the API server with its store (SQLite and a local
folder by default; PostgreSQL and an S3-compatible bucket with --database and --artifacts), and one
local worker. At the first start of a data directory it creates a local owner (credentials printed
once), a worker token and a CLI token (kept in the data directory, readable by you only), and
queues two small demo experiments: Iris from datasets/iris/iris.csv (tanh) and MNIST (ReLU).
Ctrl-C stops everything; the next start reuses the store.

Options:
  --data-dir <dir>              where the store lives       (default: DEADWEIGHT_DATA_DIR, else the project's .data)
  --port <n>                    the server's port (default: DEADWEIGHT_PORT, else ${DEFAULT_PLATFORM_PORT}; 0 = any free port)
  --host <address>              where to listen (default 127.0.0.1: this machine only; 0.0.0.0 lets other machines in)
  --database <url>              postgres://user:password@host:5432/db, shared by several servers (default:
                                DEADWEIGHT_DATABASE_URL, else <data dir>/deadweight.db)
  --artifacts <location>        a folder or s3://bucket/prefix (default: DEADWEIGHT_ARTIFACTS, else <data dir>/artifacts);
                                credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
  --s3-endpoint <url>           the S3-compatible service (default: AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, else AWS)
  --s3-region <region>          (default: AWS_REGION / AWS_DEFAULT_REGION, else us-east-1)
  --experiment-limits <json>    what one experiment may ask for, e.g. '{"maxEpochs": 2000}'; the others keep their
                                defaults (default: DEADWEIGHT_EXPERIMENT_LIMITS; see the README's limits table)
  --no-worker                   do not start the local worker (run \`deadweight worker\` elsewhere)
  --no-dashboard                serve the API only (no pages at /)
  --dashboard-dev               serve the dashboard with Next.js's development mode (hot reload; for working on it)
  --help                        show this help

It reads the host settings deadweight-server reads (apps/server/README.md): DEADWEIGHT_PUBLIC_URL,
DEADWEIGHT_SIGN_UP (open|invite|closed; default open on loopback, invite on the network),
DEADWEIGHT_TRUST_HOST_ORIGIN, DEADWEIGHT_MAX_REQUEST_BYTES, DEADWEIGHT_MAX_WORKER_REQUEST_BYTES and
DEADWEIGHT_EXPERIMENT_LIMITS.
`;

export interface PlatformArguments {
  readonly help: boolean;
  /** Undefined: the API's default data directory. */
  readonly dataDir: string | undefined;
  readonly port: number;
  readonly host: string;
  /** Undefined: the data directory's SQLite file. */
  readonly database: string | undefined;
  /** Undefined: the data directory's artifact folder. */
  readonly artifacts: string | undefined;
  readonly s3: S3Settings;
  /**
   * Public URL, sign-up policy, trusted origins, request and experiment limits: the variables
   * `deadweight-server` reads (apps/server/README.md), --experiment-limits over its variable.
   */
  readonly hostSettings: HostSettings;
  readonly worker: boolean;
  /** "on": the production build of apps/web; "dev": Next.js development mode; "off": API only. */
  readonly dashboard: "on" | "dev" | "off";
}

export function parsePlatformArguments(
  argv: readonly string[],
  env: Pick<CliEnv, "dataDir" | "port" | "databaseUrl" | "artifacts" | "s3" | "hostVariables">,
): PlatformArguments {
  const values = parseFlags(
    argv,
    {
      help: { type: "boolean", short: "h" },
      "data-dir": { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      database: { type: "string" },
      artifacts: { type: "string" },
      "s3-endpoint": { type: "string" },
      "s3-region": { type: "string" },
      "experiment-limits": { type: "string" },
      "no-worker": { type: "boolean" },
      "no-dashboard": { type: "boolean" },
      "dashboard-dev": { type: "boolean" },
    },
    PLATFORM_USAGE,
  );
  const portText = (values.port as string | undefined) ?? env.port;
  let port = DEFAULT_PLATFORM_PORT;
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d+$/.test(portText.trim()) || port > 65535) {
      throw new ConfigError(
        `${values.port === undefined ? "DEADWEIGHT_PORT" : "--port"}: "${portText}" is not a port number from 0 to 65535`,
      );
    }
  }
  const database = (values.database as string | undefined) ?? env.databaseUrl;
  if (database !== undefined && !/^postgres(ql)?:\/\//i.test(database)) {
    throw new ConfigError(
      `${values.database === undefined ? "DEADWEIGHT_DATABASE_URL" : "--database"}: "${database}" is not a postgres:// URL; write it as postgres://user:password@host:5432/database (leave it out for the data directory's SQLite file)`,
    );
  }
  const s3Endpoint = values["s3-endpoint"] as string | undefined;
  const s3Region = values["s3-region"] as string | undefined;
  return {
    help: values.help === true,
    dataDir: (values["data-dir"] as string | undefined) ?? env.dataDir,
    port,
    host: (values.host as string | undefined) ?? "127.0.0.1",
    database,
    artifacts: (values.artifacts as string | undefined) ?? env.artifacts,
    s3: {
      ...env.s3,
      ...(s3Endpoint === undefined ? {} : { endpoint: s3Endpoint }),
      ...(s3Region === undefined ? {} : { region: s3Region }),
    },
    hostSettings: hostSettingsOf(values["experiment-limits"] as string | undefined, env.hostVariables),
    worker: values["no-worker"] !== true,
    dashboard: dashboardModeOf(values),
  };
}

function hostSettingsOf(
  experimentLimitsFlag: string | undefined,
  variables: Readonly<Record<string, string | undefined>>,
): HostSettings {
  let settings: HostSettings;
  try {
    settings = parseHostSettings(variables);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  if (experimentLimitsFlag === undefined) return settings;
  try {
    return { ...settings, experimentLimits: parseExperimentLimits(experimentLimitsFlag) };
  } catch (error) {
    throw new ConfigError(`--experiment-limits: ${(error as Error).message}`);
  }
}

function dashboardModeOf(values: Record<string, string | boolean | undefined>): PlatformArguments["dashboard"] {
  if (values["no-dashboard"] === true && values["dashboard-dev"] === true) {
    throw new ConfigError("--no-dashboard and --dashboard-dev contradict each other: pass one of them");
  }
  if (values["no-dashboard"] === true) return "off";
  return values["dashboard-dev"] === true ? "dev" : "on";
}
