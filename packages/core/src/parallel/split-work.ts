import { DeadweightError } from "../errors.js";

/** Items [from, to) of a sequence: one thread's share of the work. */
export interface WorkRange {
  readonly from: number;
  readonly to: number;
}

/**
 * Splits `count` items into at most `parts` consecutive, non-empty ranges whose sizes differ by at
 * most one, earlier ranges the larger: how a sweep's thresholds are shared among threads.
 */
export function splitIntoRanges(count: number, parts: number): WorkRange[] {
  assertCounts(count, parts);
  const used = Math.min(parts, count);
  const ranges: WorkRange[] = [];
  let from = 0;
  for (let part = 0; part < used; part++) {
    const size = Math.floor(count / used) + (part < count % used ? 1 : 0);
    ranges.push({ from, to: from + size });
    from += size;
  }
  return ranges;
}

/**
 * Splits `total` samples into at most `parts` consecutive, non-empty ranges made of whole chunks of
 * `chunkSize` (the last chunk may be short): a share's chunks are then the chunks a single pass
 * makes, which is what lets the statistics of the shares merge into exactly the single-pass ones.
 */
export function splitSampleRanges(total: number, chunkSize: number, parts: number): WorkRange[] {
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new DeadweightError("INVALID_OPTION", `chunkSize must be a positive integer, got ${chunkSize}`);
  }
  assertCounts(total, parts);
  return splitIntoRanges(Math.ceil(total / chunkSize), parts).map(({ from, to }) => ({
    from: from * chunkSize,
    to: Math.min(total, to * chunkSize),
  }));
}

function assertCounts(count: number, parts: number): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `the number of items to split must be a whole number >= 0, got ${count}`,
    );
  }
  if (!Number.isInteger(parts) || parts < 1) {
    throw new DeadweightError("INVALID_OPTION", `threads must be a positive integer, got ${parts}`);
  }
}
