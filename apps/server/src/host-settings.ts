import { type ApiServerOptions, SIGN_UP_POLICIES } from "@deadweight/api";
import { DEFAULT_EXPERIMENT_LIMITS, parseExperimentLimits } from "@deadweight/experiment-config";
import { z } from "zod";

/**
 * The settings of the platform's host that `deadweight-server` and `deadweight platform` both read
 * from the environment: who may sign up, which origins are trusted, request and experiment limits.
 * Ready to spread into startPlatformServer's options (unset ones are left out: the API's defaults).
 */
export type HostSettings = Pick<
  ApiServerOptions,
  "publicURL" | "signUp" | "trustHostOrigin" | "maxRequestBodyBytes" | "maxWorkerRequestBodyBytes" | "experimentLimits"
>;

// An unset variable and an empty one mean the same: use the default.
export const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

const byteCount = (example: string) =>
  z.coerce
    .number({ error: `expected a number of bytes, e.g. ${example}` })
    .int(`expected a whole number of bytes, e.g. ${example}`)
    .min(1024, "expected at least 1024 bytes");

export const hostSettingsEnvSchema = z.object({
  DEADWEIGHT_PUBLIC_URL: optional(
    z.url({ error: "expected the URL people use to reach the server, e.g. http://host:4100" }),
  ),
  DEADWEIGHT_SIGN_UP: optional(z.enum(SIGN_UP_POLICIES, { error: 'expected "open", "invite" or "closed"' })),
  DEADWEIGHT_TRUST_HOST_ORIGIN: optional(z.enum(["on", "off"], { error: 'expected "on" or "off"' })),
  DEADWEIGHT_MAX_REQUEST_BYTES: optional(byteCount("1048576 (1 MiB)")),
  DEADWEIGHT_MAX_WORKER_REQUEST_BYTES: optional(byteCount("33554432 (32 MiB)")),
  DEADWEIGHT_EXPERIMENT_LIMITS: optional(
    z.string().transform((json, context) => {
      try {
        return parseExperimentLimits(json);
      } catch (error) {
        context.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    }),
  ),
});

/** The host settings of parsed variables (see hostSettingsEnvSchema). */
export function hostSettingsOf(env: z.output<typeof hostSettingsEnvSchema>): HostSettings {
  return {
    ...(env.DEADWEIGHT_PUBLIC_URL === undefined ? {} : { publicURL: env.DEADWEIGHT_PUBLIC_URL }),
    ...(env.DEADWEIGHT_SIGN_UP === undefined ? {} : { signUp: env.DEADWEIGHT_SIGN_UP }),
    ...(env.DEADWEIGHT_TRUST_HOST_ORIGIN === undefined
      ? {}
      : { trustHostOrigin: env.DEADWEIGHT_TRUST_HOST_ORIGIN === "on" }),
    ...(env.DEADWEIGHT_MAX_REQUEST_BYTES === undefined
      ? {}
      : { maxRequestBodyBytes: env.DEADWEIGHT_MAX_REQUEST_BYTES }),
    ...(env.DEADWEIGHT_MAX_WORKER_REQUEST_BYTES === undefined
      ? {}
      : { maxWorkerRequestBodyBytes: env.DEADWEIGHT_MAX_WORKER_REQUEST_BYTES }),
    experimentLimits: env.DEADWEIGHT_EXPERIMENT_LIMITS ?? DEFAULT_EXPERIMENT_LIMITS,
  };
}

/** The host settings from environment variables (`deadweight platform`), or an Error naming each bad one. */
export function parseHostSettings(source: Readonly<Record<string, string | undefined>>): HostSettings {
  return hostSettingsOf(parseEnv(hostSettingsEnvSchema, source));
}

/** `source` parsed by `schema`, or an Error naming each bad variable, its value (secrets hidden) and what was expected. */
export function parseEnv<T extends z.ZodType>(
  schema: T,
  source: Readonly<Record<string, string | undefined>>,
): z.output<T> {
  const parsed = schema.safeParse(source);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0]);
    // A secret's value must not end up in logs, even a wrong one.
    const shown = name.includes("SECRET") || name.includes("DATABASE_URL") ? "(hidden)" : JSON.stringify(source[name]);
    return `  ${name}=${shown}: ${issue.message}`;
  });
  throw new Error(`invalid environment:\n${problems.join("\n")}`);
}
