import { type S3Settings, s3SettingsFromEnv } from "@deadweight/api";

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
  /** DEADWEIGHT_DATABASE_URL: the platform's database (a postgres:// URL; default the data directory's SQLite file). */
  readonly databaseUrl: string | undefined;
  /** DEADWEIGHT_ARTIFACTS: where artifact bytes go (a folder or s3://bucket/prefix). */
  readonly artifacts: string | undefined;
  /** The S3 service of an s3:// artifacts location, from the usual AWS_* variables. */
  readonly s3: S3Settings;
  /** DEADWEIGHT_FASHION_MNIST_DIR: where `--dataset fashion-mnist` is read (default Debian's /usr/share/datasets/fashion-mnist). */
  readonly fashionMnistDir: string | undefined;
  /**
   * The DEADWEIGHT_* variables, for `deadweight platform` to read the host settings it shares with
   * `deadweight-server` (public URL, sign-up policy, request and experiment limits; parsed there).
   */
  readonly hostVariables: Readonly<Record<string, string | undefined>>;
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
    databaseUrl: value("DEADWEIGHT_DATABASE_URL"),
    artifacts: value("DEADWEIGHT_ARTIFACTS"),
    s3: s3SettingsFromEnv(source),
    fashionMnistDir: value("DEADWEIGHT_FASHION_MNIST_DIR"),
    hostVariables: Object.fromEntries(Object.entries(source).filter(([name]) => name.startsWith("DEADWEIGHT_"))),
  };
}

export function readCliEnv(): CliEnv {
  return cliEnvFrom(process.env);
}

/** The environment for a child process of the CLI: this one's, with `extra` set. */
export function childProcessEnv(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}
