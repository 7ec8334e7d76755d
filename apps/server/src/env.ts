import { type S3Settings, s3SettingsFromEnv } from "@deadweight/api";
import { z } from "zod";
import { type HostSettings, hostSettingsEnvSchema, hostSettingsOf, optional, parseEnv } from "./host-settings.js";

const serverEnvSchema = hostSettingsEnvSchema.extend({
  DEADWEIGHT_DATA_DIR: optional(z.string()),
  DEADWEIGHT_HOST: optional(z.string().regex(/^[\w.:[\]-]+$/, "expected an IP address or host name, e.g. 127.0.0.1")),
  DEADWEIGHT_PORT: optional(
    z.coerce
      .number({ error: "expected a port number, e.g. 4100" })
      .int("expected a whole port number")
      .min(0, "expected a port from 0 to 65535")
      .max(65535, "expected a port from 0 to 65535"),
  ),
  DEADWEIGHT_AUTH_SECRET: optional(
    z.string().min(32, "expected at least 32 characters (e.g. the output of `openssl rand -base64 32`)"),
  ),
  DEADWEIGHT_DASHBOARD: optional(z.enum(["on", "dev", "off"], { error: 'expected "on", "dev" or "off"' })),
  DEADWEIGHT_DATABASE_URL: optional(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//i, "expected a postgres:// URL, e.g. postgres://user:password@host:5432/deadweight"),
  ),
  DEADWEIGHT_ARTIFACTS: optional(z.string()),
});

export interface ServerEnv {
  /** Unset: the project's .data folder. */
  readonly dataDir: string | undefined;
  readonly host: string;
  readonly port: number;
  /** Unset: a secret kept in <dataDir>/auth-secret. */
  readonly authSecret: string | undefined;
  /** Whether the dashboard is served beside the API (default "on"). */
  readonly dashboard: "on" | "dev" | "off";
  /** Unset: <dataDir>/deadweight.db (SQLite). A postgres:// URL lets several servers share the store. */
  readonly database: string | undefined;
  /** Unset: <dataDir>/artifacts. A folder or s3://bucket/prefix. */
  readonly artifacts: string | undefined;
  /** The S3 service of an s3:// artifacts location, from the AWS_* variables. */
  readonly s3: S3Settings;
  /** Public URL, sign-up policy, trusted origins, request and experiment limits (see host-settings.ts). */
  readonly hostSettings: HostSettings;
}

export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 4100;

/** The server's settings from environment variables, or an Error naming each bad variable. */
export function parseServerEnv(source: Readonly<Record<string, string | undefined>>): ServerEnv {
  const env = parseEnv(serverEnvSchema, source);
  return {
    dataDir: env.DEADWEIGHT_DATA_DIR,
    host: env.DEADWEIGHT_HOST ?? DEFAULT_HOST,
    port: env.DEADWEIGHT_PORT ?? DEFAULT_PORT,
    authSecret: env.DEADWEIGHT_AUTH_SECRET,
    dashboard: env.DEADWEIGHT_DASHBOARD ?? "on",
    database: env.DEADWEIGHT_DATABASE_URL,
    artifacts: env.DEADWEIGHT_ARTIFACTS,
    s3: s3SettingsFromEnv(source),
    hostSettings: hostSettingsOf(env),
  };
}

/** The only place this app reads process.env. */
export function readServerEnv(): ServerEnv {
  return parseServerEnv(process.env);
}
