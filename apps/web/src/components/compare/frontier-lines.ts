import type { RunComparison } from "@/lib/router-outputs";

type ComparedPoints = RunComparison["series"][number]["points"];

/** In a row's `point` column: the row stands for its run's whole line, not one of its points. */
export const WHOLE_LINE = -1;

/** The columns of a row of the frontier-lines series (ECharts reads them through `encode`). */
export const ROW = { sizeMin: 0, sizeMax: 1, accuracyMin: 2, accuracyMax: 3, run: 4, point: 5 } as const;

/** One drawn point of a run: [size, test accuracy in %, its index in the run's columns]. */
export type DrawnPoint = readonly [size: number, accuracyPercent: number, index: number];

export interface FrontierLines {
  /**
   * What the one series draws, a row each: every shown run's whole line (point = WHOLE_LINE), whose
   * min and max columns span all its points so the axes and the zoom see every one of them, then,
   * with symbols, each of its points (min = max). The run is its index in the comparison.
   */
  readonly rows: number[][];
  /** Each run's points to draw, along its frontier (every run, hidden ones too: indices are the comparison's). */
  readonly pointsByRun: readonly (readonly DrawnPoint[])[];
}

export interface FrontierLinesOptions {
  /** Runs left out (hidden through the legend, or drawn apart as the baseline), by run id. */
  readonly leftOut: ReadonlySet<string>;
  /** A row per point too, so each point is drawn and answers hover and click on its own. */
  readonly withPoints: boolean;
}

/**
 * Every compared run's frontier as rows of ONE custom series. One series instead of one per run: in
 * headless chromium, ECharts' first drawing of 50 line series cost ~2.5x what the same lines cost as
 * one series' items, and its cost per series is paid again at every redraw.
 */
export function frontierLines(series: RunComparison["series"], options: FrontierLinesOptions): FrontierLines {
  const pointsByRun = series.map((entry) => drawnPointsOf(entry.points));
  const rows: number[][] = [];
  for (const [run, entry] of series.entries()) {
    const points = pointsByRun[run] ?? [];
    if (options.leftOut.has(entry.runId) || points.length === 0) continue;
    let sizeMin = Number.POSITIVE_INFINITY;
    let sizeMax = Number.NEGATIVE_INFINITY;
    let accuracyMin = Number.POSITIVE_INFINITY;
    let accuracyMax = Number.NEGATIVE_INFINITY;
    for (const [size, accuracy] of points) {
      sizeMin = Math.min(sizeMin, size);
      sizeMax = Math.max(sizeMax, size);
      accuracyMin = Math.min(accuracyMin, accuracy);
      accuracyMax = Math.max(accuracyMax, accuracy);
    }
    rows.push([sizeMin, sizeMax, accuracyMin, accuracyMax, run, WHOLE_LINE]);
    if (options.withPoints) {
      for (const [size, accuracy, index] of points) rows.push([size, size, accuracy, accuracy, run, index]);
    }
  }
  return { rows, pointsByRun };
}

/** A run's points along its Pareto frontier (every point when the comparison holds only frontier points). */
export function drawnPointsOf(points: ComparedPoints): DrawnPoint[] {
  const drawn: DrawnPoint[] = [];
  for (const [i, size] of points.sizes.entries()) {
    if (points.onFrontier !== null && points.onFrontier[i] !== true) continue;
    drawn.push([size, (points.testAccuracies[i] ?? 0) * 100, i]);
  }
  return drawn;
}
