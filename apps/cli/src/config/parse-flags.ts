import { type ParseArgsConfig, parseArgs } from "node:util";
import { ConfigError } from "./config-error.js";

/** The flag values of a verb that takes no positional arguments. */
export type FlagValues = Record<string, string | boolean | undefined>;

/**
 * Parses a verb's flags strictly (unknown flags and stray words are refused); a refusal is a
 * ConfigError carrying the verb's usage, so the person sees what the verb accepts.
 */
export function parseFlags(argv: readonly string[], options: ParseArgsConfig["options"], usage: string): FlagValues {
  try {
    return parseArgs({ args: [...argv], strict: true, allowPositionals: false, options }).values as FlagValues;
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${usage}`);
  }
}

/** A verb's flag values and its words (positional arguments), as node:util's parseArgs gives them. */
export interface FlagsAndWords {
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  readonly positionals: string[];
}

/** As parseFlags, for a verb that also takes words (a config file, an action, `--grid` pairs). */
export function parseFlagsAndWords(
  argv: readonly string[],
  options: ParseArgsConfig["options"],
  usage: string,
): FlagsAndWords {
  try {
    return parseArgs({ args: [...argv], strict: true, allowPositionals: true, options });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${usage}`);
  }
}
