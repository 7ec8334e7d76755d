import type { CliEnv } from "../env.js";
import { ConfigError } from "./config-error.js";
import { parseFlags } from "./parse-flags.js";

export const DEFAULT_PLATFORM_PORT = 4100;

export const PLATFORM_USAGE = `deadweight platform [options]

Starts the whole platform on this machine: the API server with its SQLite store, and one local
worker. At the first start of a data directory it creates a local owner (credentials printed
once), a worker token and a CLI token (kept in the data directory, readable by you only), and
queues two small demo experiments: Iris from datasets/iris/iris.csv (tanh) and MNIST (ReLU).
Ctrl-C stops everything; the next start reuses the store.

Options:
  --data-dir <dir>              where the store lives       (default: DEADWEIGHT_DATA_DIR, else the project's .data)
  --port <n>                    the server's port on 127.0.0.1 (default: DEADWEIGHT_PORT, else ${DEFAULT_PLATFORM_PORT}; 0 = any free port)
  --no-worker                   do not start the local worker (run \`deadweight worker\` elsewhere)
  --no-dashboard                serve the API only (no pages at /)
  --dashboard-dev               serve the dashboard with Next.js's development mode (hot reload; for working on it)
  --help                        show this help
`;

export interface PlatformArguments {
  readonly help: boolean;
  /** Undefined: the API's default data directory. */
  readonly dataDir: string | undefined;
  readonly port: number;
  readonly worker: boolean;
  /** "on": the production build of apps/web; "dev": Next.js development mode; "off": API only. */
  readonly dashboard: "on" | "dev" | "off";
}

export function parsePlatformArguments(
  argv: readonly string[],
  env: Pick<CliEnv, "dataDir" | "port">,
): PlatformArguments {
  const values = parseFlags(
    argv,
    {
      help: { type: "boolean", short: "h" },
      "data-dir": { type: "string" },
      port: { type: "string" },
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
  return {
    help: values.help === true,
    dataDir: (values["data-dir"] as string | undefined) ?? env.dataDir,
    port,
    worker: values["no-worker"] !== true,
    dashboard: dashboardModeOf(values),
  };
}

function dashboardModeOf(values: Record<string, string | boolean | undefined>): PlatformArguments["dashboard"] {
  if (values["no-dashboard"] === true && values["dashboard-dev"] === true) {
    throw new ConfigError("--no-dashboard and --dashboard-dev contradict each other: pass one of them");
  }
  if (values["no-dashboard"] === true) return "off";
  return values["dashboard-dev"] === true ? "dev" : "on";
}
