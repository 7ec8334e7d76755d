import { DeadweightError } from "../errors.js";
import type { SweepRow } from "../sweep/sweep-row.js";

/** What the aggregation reads of one stored row: its key within the run and its measurements. */
export type SeedRow = Pick<
  SweepRow,
  | "status"
  | "parameters"
  | "bytes"
  | "validationAccuracy"
  | "testAccuracy"
  | "validationAccuracyDrop"
  | "testAccuracyDrop"
> & { readonly rowKey: string };

/** One run of an experiment: the seed it trained with and its rows (drops against its own base model). */
export interface SeedRun {
  readonly runId: string;
  readonly seed: number;
  readonly rows: readonly SeedRow[];
}

/** Mean, min and max of one measurement over the seeds that have it. */
export interface Spread {
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

/** The seed a row is worst on, and its value there. */
export interface WorstSeed {
  readonly seed: number;
  readonly runId: string;
  readonly accuracy: number;
}

/** One row key across the runs of an experiment. */
export interface SeedSpreadRow {
  readonly rowKey: string;
  /** How many runs have this row measured (status "ok" with validation and test accuracy). */
  readonly seeds: number;
  /** The seeds of the runs aggregated that do not have it measured (absent, emptied a layer, or unmeasured). */
  readonly missingSeeds: number[];
  /** Every aggregated run has it: only then is the spread the spread of the whole experiment. */
  readonly complete: boolean;
  readonly validationAccuracy: Spread;
  readonly testAccuracy: Spread;
  /** Each run's drop against that run's own base model, in points. */
  readonly validationAccuracyDrop: Spread;
  readonly testAccuracyDrop: Spread;
  /** They differ across seeds when the kept neurons differ. */
  readonly parameters: Spread;
  readonly bytes: Spread;
  /** Lowest test accuracy (how the row is judged). */
  readonly worstTestSeed: WorstSeed;
  /** Lowest validation accuracy (how a row is chosen: test stays an honest estimate). */
  readonly worstValidationSeed: WorstSeed;
}

type MeasuredRow = SeedRow & {
  readonly validationAccuracy: number;
  readonly testAccuracy: number;
  readonly validationAccuracyDrop: number;
  readonly testAccuracyDrop: number;
};

/**
 * Each row key's spread across the runs of a several-seed experiment, in the order the keys first
 * appear (run by run, row by row: the sweep's order). A key measured in only some runs is reported
 * with its count and the seeds that lack it, never averaged as if complete; a key measured in no
 * run is left out. Throws INVALID_OPTION when two runs share a seed or a run repeats a row key.
 */
export function seedSpread(runs: readonly SeedRun[]): SeedSpreadRow[] {
  assertDistinct(runs);
  const byKey = new Map<string, { run: SeedRun; row: MeasuredRow }[]>();
  for (const run of runs) {
    for (const row of run.rows) {
      const entries = byKey.get(row.rowKey) ?? [];
      if (!byKey.has(row.rowKey)) byKey.set(row.rowKey, entries);
      if (isMeasured(row)) entries.push({ run, row });
    }
  }
  const spreadRows: SeedSpreadRow[] = [];
  for (const [rowKey, entries] of byKey) {
    if (entries.length === 0) continue;
    const present = new Set(entries.map(({ run }) => run.seed));
    const spreadOf = (value: (row: MeasuredRow) => number) => spreadOfValues(entries.map(({ row }) => value(row)));
    spreadRows.push({
      rowKey,
      seeds: entries.length,
      missingSeeds: runs.map((run) => run.seed).filter((seed) => !present.has(seed)),
      complete: entries.length === runs.length,
      validationAccuracy: spreadOf((row) => row.validationAccuracy),
      testAccuracy: spreadOf((row) => row.testAccuracy),
      validationAccuracyDrop: spreadOf((row) => row.validationAccuracyDrop),
      testAccuracyDrop: spreadOf((row) => row.testAccuracyDrop),
      parameters: spreadOf((row) => row.parameters),
      bytes: spreadOf((row) => row.bytes),
      worstTestSeed: worstOf(entries, (row) => row.testAccuracy),
      worstValidationSeed: worstOf(entries, (row) => row.validationAccuracy),
    });
  }
  return spreadRows;
}

function isMeasured(row: SeedRow): row is MeasuredRow {
  return (
    row.status === "ok" &&
    row.validationAccuracy !== null &&
    row.testAccuracy !== null &&
    row.validationAccuracyDrop !== null &&
    row.testAccuracyDrop !== null
  );
}

function spreadOfValues(values: readonly number[]): Spread {
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    sum += value;
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  return { mean: sum / values.length, min, max };
}

// Ties go to the smaller seed, so the answer never depends on run order.
function worstOf(entries: readonly { run: SeedRun; row: MeasuredRow }[], accuracy: (row: MeasuredRow) => number) {
  let worst: WorstSeed | null = null;
  for (const { run, row } of entries) {
    const value = accuracy(row);
    if (worst === null || value < worst.accuracy || (value === worst.accuracy && run.seed < worst.seed)) {
      worst = { seed: run.seed, runId: run.runId, accuracy: value };
    }
  }
  // seedSpread only calls this for keys with at least one measured row.
  return worst as WorstSeed;
}

function assertDistinct(runs: readonly SeedRun[]): void {
  const seeds = new Set<number>();
  for (const run of runs) {
    if (seeds.has(run.seed)) {
      throw new DeadweightError(
        "INVALID_OPTION",
        `seed ${run.seed} appears in more than one run (run ${run.runId}); aggregate each seed's run once`,
      );
    }
    seeds.add(run.seed);
    const keys = new Set<string>();
    for (const row of run.rows) {
      if (keys.has(row.rowKey)) {
        throw new DeadweightError(
          "INVALID_OPTION",
          `run ${run.runId} (seed ${run.seed}) has row "${row.rowKey}" twice; each row key may appear once per run`,
        );
      }
      keys.add(row.rowKey);
    }
  }
}
