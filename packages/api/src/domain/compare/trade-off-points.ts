import { paretoFrontier } from "@deadweight/core";
import type { ReadConnection } from "@deadweight/db";

/** One measured threshold of a run, on the chosen size axis. */
export interface TradeOffPointView {
  readonly rowKey: string;
  readonly resultRowId: string;
  readonly size: number;
  readonly validationAccuracy: number;
  readonly testAccuracy: number;
  /** On this run's frontier of validation accuracy vs size. */
  readonly onFrontier: boolean;
}

export type SizeAxis = "bytes" | "parameters";

/**
 * Each run's measured rows as trade-off points on `size` (smallest first, the frontier marked),
 * read in one snapshot of the read connection. Only call it for runs the caller may read.
 *
 * The points of a run are kept until the database changes: compare asks for the same runs again
 * and again, and reading and shaping their rows was its largest cost after the HTTP work (about
 * 0.6 ms of SQLite per 20 runs). Any commit to the file, by this process or another, changes the
 * connection's data version and drops them all, so a point is never older than the state read.
 * The arrays are frozen: every comparison that reads them shares them.
 */
export function tradeOffPoints(
  reader: ReadConnection,
  runIds: readonly string[],
  size: SizeAxis,
): Map<string, readonly TradeOffPointView[]> {
  const cache = cacheOf(reader);
  return reader.snapshot(() => {
    // First, so the points read below are at least as new as the version they are filed under.
    cache.useVersion(reader.dataVersion());
    const found = new Map<string, readonly TradeOffPointView[]>();
    const missing: string[] = [];
    for (const runId of runIds) {
      const points = cache.get(size, runId);
      if (points === undefined) missing.push(runId);
      else found.set(runId, points);
    }
    if (missing.length === 0) return found;
    const rowsByRun = new Map<string, TradeOffRow[]>(missing.map((runId) => [runId, []]));
    for (const row of reader.tuples<TradeOffRow>(TRADE_OFF_ROWS_SQL[size], [JSON.stringify(missing)])) {
      rowsByRun.get(row[0])?.push(row);
    }
    for (const [runId, rows] of rowsByRun) {
      const points = pointsOf(rows);
      cache.set(size, runId, points);
      found.set(runId, points);
    }
    return found;
  });
}

// The measured rows (a row without a model, "emptied-layer", has no accuracy to plot) on the chosen
// size axis. As tuples: compare reads up to 50 x 30 rows, and an object per row costs more than the read.
const TRADE_OFF_ROWS_SQL = {
  bytes: tradeOffRowsSql("bytes"),
  parameters: tradeOffRowsSql("parameters"),
} as const;

function tradeOffRowsSql(size: SizeAxis): string {
  return `SELECT "runId", "id", "rowKey", "${size}", "validationAccuracy", "testAccuracy"
FROM "ResultRow"
WHERE "runId" IN (SELECT value FROM json_each(?)) AND "status" = 'ok'
  AND "validationAccuracy" IS NOT NULL AND "testAccuracy" IS NOT NULL`;
}

type TradeOffRow = [
  runId: string,
  id: string,
  rowKey: string,
  size: number,
  validationAccuracy: number,
  testAccuracy: number,
];

function pointsOf(rows: readonly TradeOffRow[]): readonly TradeOffPointView[] {
  // Built in their final shape (onFrontier set below), then frozen.
  const points = rows
    .map(
      ([, resultRowId, rowKey, size, validationAccuracy, testAccuracy]): {
        -readonly [K in keyof TradeOffPointView]: TradeOffPointView[K];
      } => ({
        rowKey,
        resultRowId,
        size,
        validationAccuracy,
        testAccuracy,
        onFrontier: false,
      }),
    )
    // Ties on size by row key, so the order (and a plot's line) is the same on every call.
    .sort((a, b) => a.size - b.size || a.rowKey.localeCompare(b.rowKey));
  // Validation accuracy, as in the core's sweep: the frontier is chosen without looking at the test set.
  const frontier = paretoFrontier(points.map((point) => ({ size: point.size, accuracy: point.validationAccuracy })));
  for (const [i, point] of points.entries()) {
    point.onFrontier = frontier.has(i);
    Object.freeze(point);
  }
  return Object.freeze(points);
}

/** The points of one read connection's runs, valid at one data version. */
class TradeOffPointsCache {
  private version: number | undefined;
  private readonly entries = new Map<string, readonly TradeOffPointView[]>();

  /** Bounds the memory: 4,000 runs of 30 rows, on one axis or the other, take about 25 MB. */
  static readonly MAX_ENTRIES = 4_000;

  /** Forgets every entry unless they were read at `version`. */
  useVersion(version: number): void {
    if (version === this.version) return;
    this.entries.clear();
    this.version = version;
  }

  get(size: SizeAxis, runId: string): readonly TradeOffPointView[] | undefined {
    return this.entries.get(`${size}:${runId}`);
  }

  set(size: SizeAxis, runId: string, points: readonly TradeOffPointView[]): void {
    if (this.entries.size >= TradeOffPointsCache.MAX_ENTRIES) this.entries.clear();
    this.entries.set(`${size}:${runId}`, points);
  }
}

const caches = new WeakMap<ReadConnection, TradeOffPointsCache>();

function cacheOf(reader: ReadConnection): TradeOffPointsCache {
  let cache = caches.get(reader);
  if (cache === undefined) {
    cache = new TradeOffPointsCache();
    caches.set(reader, cache);
  }
  return cache;
}
