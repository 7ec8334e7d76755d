/**
 * One configuration field across the compared runs: a field every run agrees on carries its one
 * value, a field they disagree on carries each run's value (200 runs of mostly identical fields
 * would otherwise repeat every value 200 times).
 */
export type ConfigField =
  | {
      /** Dotted path, e.g. "model.hidden" or "training.epochs". */
      readonly path: string;
      readonly differs: false;
      /** The value every run has (null when none has the field). */
      readonly value: unknown;
    }
  | {
      readonly path: string;
      /** At least two runs disagree. */
      readonly differs: true;
      /** The field's value in each run, in the order the runs were given; null where a run lacks it. */
      readonly values: unknown[];
    };

/**
 * Flattens each configuration to dotted paths and lines the values up per path, marking the paths
 * whose values are not all equal. Arrays are leaves ("model.hidden": [512, 256]) because a reader
 * compares an architecture as a whole, not its third layer in isolation. Sorted by path.
 */
export function configDifferences(configs: readonly unknown[]): ConfigField[] {
  const flattened = configs.map((config) => flatten(config));
  const paths = [...new Set(flattened.flatMap((fields) => [...fields.keys()]))].sort();
  return paths.map((path): ConfigField => {
    const values = flattened.map((fields) => (fields.has(path) ? fields.get(path) : null));
    const keys = values.map((value) => JSON.stringify(value));
    return keys.some((key) => key !== keys[0])
      ? { path, differs: true, values }
      : { path, differs: false, value: values[0] ?? null };
  });
}

function flatten(value: unknown, prefix = "", into = new Map<string, unknown>()): Map<string, unknown> {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    // An empty object is still a value a reader may want to see differ from a filled one.
    if (entries.length === 0 && prefix !== "") into.set(prefix, {});
    for (const [key, child] of entries) flatten(child, prefix === "" ? key : `${prefix}.${key}`, into);
  } else if (prefix !== "") {
    into.set(prefix, value);
  }
  return into;
}
