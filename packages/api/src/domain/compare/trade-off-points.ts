import { paretoFrontier } from "@deadweight/core";
import type { StoreReads } from "@deadweight/db";
import type { StoreChangeFeed } from "../../store/store-changes.js";

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
 * Each run's measured rows as trade-off points on `size` (smallest first, the frontier marked).
 * Only call it for runs the caller may read.
 *
 * The points of a run are kept in the store's TradeOffPointsCache until that run's results change:
 * compare asks for the same runs again and again, and reading and shaping their rows was its largest
 * cost after the HTTP work. The arrays are frozen: every comparison that reads them shares them.
 */
export async function tradeOffPoints(
  reads: StoreReads,
  cache: TradeOffPointsCache,
  runIds: readonly string[],
  size: SizeAxis,
): Promise<Map<string, readonly TradeOffPointView[]>> {
  const found = new Map<string, readonly TradeOffPointView[]>();
  const missing: string[] = [];
  for (const runId of runIds) {
    const points = cache.get(size, runId);
    if (points === undefined) missing.push(runId);
    else found.set(runId, points);
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
    const points = pointsOf(runRows, size);
    cache.set(size, runId, points, readStarted);
    found.set(runId, points);
  }
  return found;
}

interface TradeOffRow {
  readonly runId: string;
  readonly id: string;
  readonly rowKey: string;
  readonly bytes: number;
  readonly parameters: number;
  readonly validationAccuracy: number;
  readonly testAccuracy: number;
}

function pointsOf(rows: readonly TradeOffRow[], size: SizeAxis): readonly TradeOffPointView[] {
  // Built in their final shape (onFrontier set below), then frozen.
  const points = rows
    .map((row): { -readonly [K in keyof TradeOffPointView]: TradeOffPointView[K] } => ({
      rowKey: row.rowKey,
      resultRowId: row.id,
      size: row[size],
      validationAccuracy: row.validationAccuracy,
      testAccuracy: row.testAccuracy,
      onFrontier: false,
    }))
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

/**
 * The trade-off points of a store's runs. A run's entries are dropped when its results change (the
 * store's "run-results" changes, from this server or, on a shared store, from the others) and expire
 * after TTL_MS whatever happens, which bounds how stale a point can be if a change message is lost.
 */
export class TradeOffPointsCache {
  private readonly entries = new Map<
    string,
    { readonly points: readonly TradeOffPointView[]; readonly expiresAt: number }
  >();
  /** When each run's results last changed, on this cache's own clock (a counter). */
  private readonly changedAt = new Map<string, number>();
  private clock = 0;
  private everythingChangedAt = 0;
  private readonly unsubscribe: () => void;

  /** Bounds the memory: 4,000 runs of 30 rows, on one axis or the other, take about 25 MB. */
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

  get(size: SizeAxis, runId: string): readonly TradeOffPointView[] | undefined {
    const entry = this.entries.get(`${size}:${runId}`);
    if (entry === undefined || entry.expiresAt <= this.time()) return undefined;
    return entry.points;
  }

  /** Keeps points read after `readStarted` (see now), unless the run's results changed since. */
  set(size: SizeAxis, runId: string, points: readonly TradeOffPointView[], readStarted: number): void {
    if ((this.changedAt.get(runId) ?? this.everythingChangedAt) > readStarted) return;
    if (this.entries.size >= TradeOffPointsCache.MAX_ENTRIES) this.entries.clear();
    this.entries.set(`${size}:${runId}`, { points, expiresAt: this.time() + TradeOffPointsCache.TTL_MS });
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
