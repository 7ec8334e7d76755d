import { paretoFrontier } from "@deadweight/core";
import type { StoreReads } from "@deadweight/db";
import type { StoreChangeFeed } from "../../store/store-changes.js";

/**
 * Trade-off points as columns, smallest size first (ties by row key): index i of every array is one
 * measured threshold. Columns rather than one object per point because compare sends up to 200 runs
 * of them and a browser draws them straight from arrays.
 */
export interface TradeOffColumns {
  /**
   * Each point's row: the run's id and a row key name a result row (unique per run), so its database
   * id is not sent (a third of the answer's bytes at 200 runs).
   */
  readonly rowKeys: readonly string[];
  /** On the chosen size axis (bytes or parameters). */
  readonly sizes: readonly number[];
  readonly validationAccuracies: readonly number[];
  readonly testAccuracies: readonly number[];
  /**
   * Whether each point is on the run's frontier of validation accuracy vs size; null when the
   * columns hold only frontier points (every one of them is on it).
   */
  readonly onFrontier: readonly boolean[] | null;
}

/** A run's trade-off points on one size axis, both ways compare sends them, built once. */
export interface RunTradeOffs {
  /** Every measured row ("ok" status, with both accuracies). */
  readonly all: TradeOffColumns;
  /** Only the points no other point beats on both size and validation accuracy. */
  readonly frontier: TradeOffColumns;
}

export type SizeAxis = "bytes" | "parameters";

/**
 * Each run's measured rows as trade-off columns on `size` (smallest first, the frontier marked and
 * also cut out). Only call it for runs the caller may read.
 *
 * The columns of a run are kept in the store's TradeOffPointsCache until that run's results change:
 * compare asks for the same runs again and again, and reading and shaping their rows (and finding
 * their frontier) was its largest cost after the HTTP work. They are frozen: every comparison that
 * reads them shares them.
 */
export async function tradeOffPoints(
  reads: StoreReads,
  cache: TradeOffPointsCache,
  runIds: readonly string[],
  size: SizeAxis,
): Promise<Map<string, RunTradeOffs>> {
  const found = new Map<string, RunTradeOffs>();
  const missing: string[] = [];
  for (const runId of runIds) {
    const tradeOffs = cache.get(size, runId);
    if (tradeOffs === undefined) missing.push(runId);
    else found.set(runId, tradeOffs);
  }
  if (missing.length === 0) return found;
  // Before the read: a change to a run's results during the read keeps what it read out of the cache.
  const readStarted = cache.now();
  // The measured rows (a row without a model, "emptied-layer", has no accuracy to plot).
  const rows = await reads
    .selectFrom("ResultRow")
    .select(["runId", "id", "rowKey", "bytes", "parameters", "validationAccuracy", "testAccuracy"])
    .where("runId", "in", missing)
    .where("status", "=", "ok")
    .where("validationAccuracy", "is not", null)
    .where("testAccuracy", "is not", null)
    .execute();
  const rowsByRun = new Map<string, TradeOffRow[]>(missing.map((runId) => [runId, []]));
  for (const row of rows) rowsByRun.get(row.runId)?.push(row as TradeOffRow);
  for (const [runId, runRows] of rowsByRun) {
    const tradeOffs = runTradeOffsOf(runRows, size);
    cache.set(size, runId, tradeOffs, readStarted);
    found.set(runId, tradeOffs);
  }
  return found;
}

/** One measured row of a run, as stored. */
export interface TradeOffRow {
  readonly id: string;
  readonly rowKey: string;
  readonly bytes: number;
  readonly parameters: number;
  readonly validationAccuracy: number;
  readonly testAccuracy: number;
}

/** A run's rows as frozen trade-off columns on `size`: every point, and the frontier alone. */
export function runTradeOffsOf(rows: readonly TradeOffRow[], size: SizeAxis): RunTradeOffs {
  // Ties on size by row key, so the order (and a plot's line) is the same on every call.
  const sorted = [...rows].sort((a, b) => a[size] - b[size] || a.rowKey.localeCompare(b.rowKey));
  // Validation accuracy, as in the core's sweep: the frontier is chosen without looking at the test set.
  const frontier = paretoFrontier(sorted.map((row) => ({ size: row[size], accuracy: row.validationAccuracy })));
  const onFrontier = sorted.map((_, i) => frontier.has(i));
  return Object.freeze({
    all: columnsOf(sorted, size, onFrontier),
    frontier: columnsOf(
      sorted.filter((_, i) => onFrontier[i]),
      size,
      null,
    ),
  });
}

function columnsOf(rows: readonly TradeOffRow[], size: SizeAxis, onFrontier: boolean[] | null): TradeOffColumns {
  return Object.freeze({
    rowKeys: Object.freeze(rows.map((row) => row.rowKey)),
    sizes: Object.freeze(rows.map((row) => row[size])),
    validationAccuracies: Object.freeze(rows.map((row) => row.validationAccuracy)),
    testAccuracies: Object.freeze(rows.map((row) => row.testAccuracy)),
    onFrontier: onFrontier === null ? null : Object.freeze(onFrontier),
  });
}

/**
 * The trade-off points of a store's runs. A run's entries are dropped when its results change (the
 * store's "run-results" changes, from this server or, on a shared store, from the others) and expire
 * after TTL_MS whatever happens, which bounds how stale a point can be if a change message is lost.
 */
export class TradeOffPointsCache {
  private readonly entries = new Map<string, { readonly tradeOffs: RunTradeOffs; readonly expiresAt: number }>();
  /** When each run's results last changed, on this cache's own clock (a counter). */
  private readonly changedAt = new Map<string, number>();
  private clock = 0;
  private everythingChangedAt = 0;
  private readonly unsubscribe: () => void;

  /** Bounds the memory: 4,000 runs of 30 rows (all points and the frontier), on one axis or the other, take about 20 MB. */
  static readonly MAX_ENTRIES = 4_000;
  /**
   * Every write of a run's results publishes a change that drops its entries at once (on every
   * server sharing the store); this expiry only bounds staleness if such a message were lost.
   */
  static readonly TTL_MS = 5 * 60_000;

  constructor(
    changes: StoreChangeFeed,
    private readonly time: () => number = Date.now,
  ) {
    this.unsubscribe = changes.subscribe((change) => {
      if (change.kind === "run-results") this.forgetRun(change.runId);
      if (change.kind === "resync") this.forgetAll();
    });
  }

  /** A reading of this cache's clock: pass it to `set` for points read after it. */
  now(): number {
    return this.clock;
  }

  get(size: SizeAxis, runId: string): RunTradeOffs | undefined {
    const entry = this.entries.get(`${size}:${runId}`);
    if (entry === undefined || entry.expiresAt <= this.time()) return undefined;
    return entry.tradeOffs;
  }

  /** Keeps points read after `readStarted` (see now), unless the run's results changed since. */
  set(size: SizeAxis, runId: string, tradeOffs: RunTradeOffs, readStarted: number): void {
    if ((this.changedAt.get(runId) ?? this.everythingChangedAt) > readStarted) return;
    if (this.entries.size >= TradeOffPointsCache.MAX_ENTRIES) this.entries.clear();
    this.entries.set(`${size}:${runId}`, { tradeOffs, expiresAt: this.time() + TradeOffPointsCache.TTL_MS });
  }

  forgetRun(runId: string): void {
    this.clock += 1;
    if (this.changedAt.size >= TradeOffPointsCache.MAX_ENTRIES) {
      // Forgetting when runs changed must not let an older read in: count it as a change of everything.
      this.changedAt.clear();
      this.everythingChangedAt = this.clock;
    }
    this.changedAt.set(runId, this.clock);
    this.entries.delete(`bytes:${runId}`);
    this.entries.delete(`parameters:${runId}`);
  }

  /** Drops every entry, and keeps out points whose read started before now. */
  forgetAll(): void {
    this.clock += 1;
    this.changedAt.clear();
    this.everythingChangedAt = this.clock;
    this.entries.clear();
  }

  close(): void {
    this.unsubscribe();
    this.entries.clear();
  }
}
