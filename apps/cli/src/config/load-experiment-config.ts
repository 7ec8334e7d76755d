import { readFileSync } from "node:fs";
import { type ExperimentConfig, experimentConfigSchema } from "@deadweight/experiment-config";
import { ConfigError } from "./config-error.js";

/**
 * Reads the optional JSON config file, lays the command-line overrides over it and validates the
 * result. Errors name the file (or "flags") and the field.
 */
export function loadExperimentConfig(
  configPath: string | undefined,
  overrides: Record<string, unknown>,
): ExperimentConfig {
  const fromFile = configPath === undefined ? {} : readConfigFile(configPath);
  const merged = deepMerge(fromFile, overrides);
  const source =
    configPath === undefined
      ? "command-line flags"
      : `${configPath}${Object.keys(overrides).length > 0 ? " + flags" : ""}`;
  const result = experimentConfigSchema.safeParse(merged);
  if (!result.success) throw ConfigError.fromZod(source, result.error);
  return result.data;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === "ENOENT"
        ? `config file ${path} does not exist`
        : `config file ${path} cannot be read (${code ?? String(error)})`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `config file ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(
      `config file ${path} must hold a JSON object ({...}), found ${Array.isArray(value) ? "an array" : typeof value}`,
    );
  }
  return value as Record<string, unknown>;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const existing = merged[key];
    merged[key] = isPlainObject(existing) && isPlainObject(value) ? deepMerge(existing, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
