import type { ExperimentConfig } from "@deadweight/experiment-config";

const MAX_ENTRIES = 1_000;
const parsed = new Map<string, ExperimentConfig>();

/**
 * An experiment's stored configuration, parsed once per distinct text: a configuration never
 * changes after its experiment is created, and compare parses the same few on every request.
 * Keyed by the text itself, so a different text is never answered with an old object. The object
 * is deep-frozen because every comparison that reads this text shares it.
 */
export function parsedConfig(text: string): ExperimentConfig {
  let config = parsed.get(text);
  if (config === undefined) {
    if (parsed.size >= MAX_ENTRIES) parsed.clear();
    config = deepFreeze(JSON.parse(text) as ExperimentConfig);
    parsed.set(text, config);
  }
  return config;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
