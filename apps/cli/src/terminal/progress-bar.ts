import { formatDuration } from "./format-duration.js";

/** What a progress line shows: `label [####....]  56%  detail  ETA 12s`. */
export interface ProgressBarState {
  readonly label: string;
  readonly done: number;
  readonly total: number;
  /** Cells between the brackets; default 16. */
  readonly width?: number;
  /** Free text after the percentage, e.g. "loss 0.213 acc 94.1%". */
  readonly detail?: string;
  /** Omitted from the line when undefined or not finite (no rate known yet). */
  readonly etaSeconds?: number;
}

/** Renders one progress line, e.g. `train epoch 2/5 [#########.......]  56%  loss 0.213  ETA 12s`. */
export function renderProgressBar(state: ProgressBarState): string {
  const width = Math.max(1, Math.floor(state.width ?? 16));
  const fraction = progressFraction(state.done, state.total);
  const complete = fraction >= 1;
  // A full bar or "100%" before the work is done would tell the user it finished when it has not.
  const filled = complete ? width : Math.min(width - 1, Math.round(fraction * width));
  const percent = complete ? 100 : wholePercent(fraction);
  let line = `${state.label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${String(percent).padStart(3)}%`;
  if (state.detail !== undefined && state.detail !== "") line += `  ${state.detail}`;
  if (state.etaSeconds !== undefined && Number.isFinite(state.etaSeconds)) {
    line += `  ETA ${formatDuration(state.etaSeconds)}`;
  }
  return line;
}

function progressFraction(done: number, total: number): number {
  // Nothing to do counts as finished, so an empty job does not sit at 0% forever.
  if (!(total > 0)) return 1;
  if (!(done > 0)) return 0;
  return Math.min(1, done / total);
}

function wholePercent(fraction: number): number {
  // 57 / 100 * 100 is 56.99999999999999 in floating point; the epsilon keeps it from showing as 56%.
  return Math.min(99, Math.floor(fraction * 100 + 1e-9));
}

/** The part of a Node stream ProgressLine needs; process.stdout and process.stderr fit. */
export type ProgressStream = Pick<NodeJS.WritableStream, "write"> & {
  readonly isTTY?: boolean;
  readonly columns?: number;
};

export interface ProgressLineOptions {
  /** Minimum time between redraws on a TTY; default 100 ms (10 redraws/s). */
  readonly minRedrawIntervalMs?: number;
  /** Clock in milliseconds, injectable for tests. */
  readonly now?: () => number;
}

const CLEAR_LINE = "\r\x1b[2K";

/**
 * A progress line on a stream. On a TTY it redraws in place, throttled; elsewhere (CI logs, files)
 * it prints a full line only when the percentage reaches a new 10% step, so logs stay short.
 */
export class ProgressLine {
  private readonly stream: ProgressStream;
  private readonly minRedrawIntervalMs: number;
  private readonly now: () => number;
  private latest: ProgressBarState | undefined;
  private latestShown = false;
  private lastDrawAt = Number.NEGATIVE_INFINITY;
  private lastStep = -1;
  private lastLabel: string | undefined;
  private lastDone = 0;

  constructor(stream: ProgressStream, options: ProgressLineOptions = {}) {
    this.stream = stream;
    this.minRedrawIntervalMs = options.minRedrawIntervalMs ?? 100;
    this.now = options.now ?? Date.now;
  }

  /** Shows the new state, or records it to show later when drawing now would be too frequent. */
  update(state: ProgressBarState): void {
    this.latest = state;
    this.latestShown = false;
    if (this.stream.isTTY === true) this.updateTty(state);
    else this.updateLog(state);
  }

  /** Ends the line: replaces it with `message` if given, else leaves the latest state visible. */
  finish(message?: string): void {
    if (this.stream.isTTY === true) {
      if (message !== undefined) this.stream.write(`${CLEAR_LINE}${this.fit(message)}\n`);
      else if (this.latest !== undefined)
        this.stream.write(`${CLEAR_LINE}${this.fit(renderProgressBar(this.latest))}\n`);
    } else if (message !== undefined) {
      this.stream.write(`${message}\n`);
    } else if (this.latest !== undefined && !this.latestShown) {
      this.stream.write(`${renderProgressBar(this.latest)}\n`);
    }
    this.latest = undefined;
    this.latestShown = false;
    this.lastDrawAt = Number.NEGATIVE_INFINITY;
    this.lastStep = -1;
    this.lastLabel = undefined;
    this.lastDone = 0;
  }

  private updateTty(state: ProgressBarState): void {
    const at = this.now();
    const complete = progressFraction(state.done, state.total) >= 1;
    // Always draw completion so a throttled update never leaves a stale "97%" on screen.
    if (!complete && at - this.lastDrawAt < this.minRedrawIntervalMs) return;
    this.lastDrawAt = at;
    this.latestShown = true;
    this.stream.write(`${CLEAR_LINE}${this.fit(renderProgressBar(state))}`);
  }

  private updateLog(state: ProgressBarState): void {
    const fraction = progressFraction(state.done, state.total);
    const step = fraction >= 1 ? 10 : Math.floor(wholePercent(fraction) / 10);
    // A new label or a count going backwards is a new run of the bar (e.g. the next epoch).
    const restarted = state.label !== this.lastLabel || state.done < this.lastDone;
    this.lastLabel = state.label;
    this.lastDone = state.done;
    if (!restarted && step <= this.lastStep) return;
    this.lastStep = step;
    this.latestShown = true;
    this.stream.write(`${renderProgressBar(state)}\n`);
  }

  private fit(line: string): string {
    // A line wider than the terminal wraps, and "\r" then only returns to the start of the last row.
    const columns = this.stream.columns;
    if (columns === undefined || columns <= 1 || line.length < columns) return line;
    return line.slice(0, columns - 1);
  }
}
