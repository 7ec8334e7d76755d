import { ConfigError } from "./config-error.js";

const UNITS: Readonly<Record<string, number>> = {
  "": 1,
  b: 1,
  k: 2 ** 10,
  kb: 2 ** 10,
  kib: 2 ** 10,
  m: 2 ** 20,
  mb: 2 ** 20,
  mib: 2 ** 20,
  g: 2 ** 30,
  gb: 2 ** 30,
  gib: 2 ** 30,
  t: 2 ** 40,
  tb: 2 ** 40,
  tib: 2 ** 40,
};

/**
 * A memory size as people write it on a command line: "8GiB", "8G", "512MB", "1.5g" or a number of
 * bytes. Units are binary (1 GB = 1 GiB = 2^30 bytes), as memory is sold and as `free -h` prints
 * it. Undefined when the flag was not given; a ConfigError naming the flag when it cannot be read.
 */
export function memorySize(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = UNITS[match?.[2]?.toLowerCase() ?? "?"];
  const bytes = match === null || unit === undefined ? Number.NaN : Math.floor(Number(match[1]) * unit);
  if (!(bytes >= 2 ** 20)) {
    throw new ConfigError(`${flag}: "${text}" is not a memory size of at least 1MiB; write e.g. 8GiB, 512MiB or 1.5g`);
  }
  return bytes;
}
