import {
  normaliseServerUrl,
  normaliseServerUrls,
  type ServerConnection,
  type WorkerConnection,
} from "@deadweight/worker";
import type { CliEnv } from "../env.js";
import { ConfigError } from "./config-error.js";

/** The --server and --token flags shared by submit, status and worker. */
export const SERVER_OPTIONS = {
  server: { type: "string" },
  token: { type: "string" },
} as const;

const TOKEN_USAGE =
  "  --token <dw_...>              an API token of your team                            (or DEADWEIGHT_TOKEN)";

export const SERVER_USAGE = `  --server <url>                the Deadweight server, e.g. http://127.0.0.1:4100   (or DEADWEIGHT_SERVER)
${TOKEN_USAGE}`;

/** The worker's --server takes replicas of one platform too. */
export const WORKER_SERVER_USAGE = `  --server <url>[,<url>...]     the Deadweight server, e.g. http://127.0.0.1:4100   (or DEADWEIGHT_SERVER)
                                or several API replicas of one platform: the worker
                                uses the first that answers and moves on when it fails
${TOKEN_USAGE}`;

/** Where to connect and with which token: the flags, else the environment; a clear error when either is missing. */
export function serverConnectionOf(
  verb: string,
  flags: { readonly server?: string | undefined; readonly token?: string | undefined },
  env: Pick<CliEnv, "server" | "token">,
  tokenKind: "user" | "worker",
): ServerConnection {
  const { server, token } = serverAndTokenOf(verb, flags, env, tokenKind);
  if (server.text.includes(",")) {
    throw new ConfigError(
      `deadweight ${verb}: ${server.source}: "${server.text}" lists several servers; deadweight ${verb} talks to one, give one URL (a list of replicas is for deadweight worker)`,
    );
  }
  let serverUrl: string;
  try {
    serverUrl = normaliseServerUrl(server.text);
  } catch (error) {
    throw new ConfigError(`deadweight ${verb}: ${server.source}: ${(error as Error).message}`);
  }
  return { serverUrl, token };
}

/**
 * The worker's connection: one server URL or a comma-separated list of API replicas (each an http(s)
 * URL, each once), from --server or DEADWEIGHT_SERVER; the error names the entry that is wrong.
 */
export function workerConnectionOf(
  flags: { readonly server?: string | undefined; readonly token?: string | undefined },
  env: Pick<CliEnv, "server" | "token">,
): WorkerConnection {
  const { server, token } = serverAndTokenOf("worker", flags, env, "worker");
  let serverUrls: string[];
  try {
    serverUrls = normaliseServerUrls(server.text);
  } catch (error) {
    throw new ConfigError(`deadweight worker: ${server.source}: ${(error as Error).message}`);
  }
  return { serverUrls, token };
}

function serverAndTokenOf(
  verb: string,
  flags: { readonly server?: string | undefined; readonly token?: string | undefined },
  env: Pick<CliEnv, "server" | "token">,
  tokenKind: "user" | "worker",
): { readonly server: { readonly text: string; readonly source: string }; readonly token: string } {
  const server = flags.server ?? env.server;
  const token = flags.token ?? env.token;
  if (server === undefined) {
    throw new ConfigError(
      `deadweight ${verb}: no server given; pass --server <url> (e.g. http://127.0.0.1:4100) or set DEADWEIGHT_SERVER`,
    );
  }
  if (token === undefined) {
    throw new ConfigError(
      `deadweight ${verb}: no token given; pass --token <${tokenKind} token> or set DEADWEIGHT_TOKEN (an admin creates one in the team's settings${tokenKind === "worker" ? ', kind "worker"' : ""})`,
    );
  }
  return { server: { text: server, source: flags.server === undefined ? "DEADWEIGHT_SERVER" : "--server" }, token };
}

/** A flag's value as a positive whole number, or a ConfigError naming the flag. */
export function positiveInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !(parsed >= 1)) {
    throw new ConfigError(`${flag}: "${value}" is not a whole number of at least 1`);
  }
  return parsed;
}

/** A flag's value as a positive number of seconds, or a ConfigError naming the flag. */
export function positiveSeconds(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed) || parsed <= 0) {
    throw new ConfigError(`${flag}: "${value}" is not a positive number of seconds`);
  }
  return parsed;
}
