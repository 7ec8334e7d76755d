import { normaliseServerUrl, type ServerConnection } from "@deadweight/worker";
import type { CliEnv } from "../env.js";
import { ConfigError } from "./config-error.js";

/** The --server and --token flags shared by submit, status and worker. */
export const SERVER_OPTIONS = {
  server: { type: "string" },
  token: { type: "string" },
} as const;

export const SERVER_USAGE = `  --server <url>                the Deadweight server, e.g. http://127.0.0.1:4100   (or DEADWEIGHT_SERVER)
  --token <dw_...>              an API token of your team                            (or DEADWEIGHT_TOKEN)`;

/** Where to connect and with which token: the flags, else the environment; a clear error when either is missing. */
export function serverConnectionOf(
  verb: string,
  flags: { readonly server?: string | undefined; readonly token?: string | undefined },
  env: Pick<CliEnv, "server" | "token">,
  tokenKind: "user" | "worker",
): ServerConnection {
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
  let serverUrl: string;
  try {
    serverUrl = normaliseServerUrl(server);
  } catch (error) {
    throw new ConfigError(`deadweight ${verb}: --server: ${(error as Error).message}`);
  }
  return { serverUrl, token };
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
