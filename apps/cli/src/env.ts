/**
 * The only place the CLI reads process.env. An unset variable and an empty one mean the same:
 * not given.
 */
export interface CliEnv {
  /** DEADWEIGHT_SERVER: default --server for submit, status and worker. */
  readonly server: string | undefined;
  /** DEADWEIGHT_TOKEN: default --token for submit, status and worker. */
  readonly token: string | undefined;
  /** DEADWEIGHT_DATA_DIR: where `deadweight platform` keeps its store (default: the project's .data). */
  readonly dataDir: string | undefined;
  /** DEADWEIGHT_PORT: the port `deadweight platform` listens on (default 4100). */
  readonly port: string | undefined;
}

export function cliEnvFrom(source: Readonly<Record<string, string | undefined>>): CliEnv {
  const value = (name: string) => {
    const text = source[name]?.trim();
    return text === undefined || text === "" ? undefined : text;
  };
  return {
    server: value("DEADWEIGHT_SERVER"),
    token: value("DEADWEIGHT_TOKEN"),
    dataDir: value("DEADWEIGHT_DATA_DIR"),
    port: value("DEADWEIGHT_PORT"),
  };
}

export function readCliEnv(): CliEnv {
  return cliEnvFrom(process.env);
}

/** The environment for a child process of the CLI: this one's, with `extra` set. */
export function childProcessEnv(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}
