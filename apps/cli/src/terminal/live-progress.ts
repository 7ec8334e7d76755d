import { ProgressLine, type ProgressStream } from "./progress-bar.js";
import { runProgressState } from "./run-progress-state.js";
import type { RunStatusRow } from "./runs-table.js";

type ShownRun = Pick<
  RunStatusRow,
  "id" | "status" | "completedStages" | "attempt" | "maxAttempts" | "progress" | "worker"
>;

/**
 * The progress line of the runs being waited for: the one being worked on (else the first queued),
 * labelled "run 2/3" when there are several. On a terminal a new stage or epoch keeps the finished
 * bar and starts a new one; in a log the progress line prints a new label on its own.
 */
export class LiveProgress {
  private readonly line: ProgressLine;
  private lastShown = "";

  constructor(
    private readonly stream: ProgressStream,
    private readonly runIds: readonly string[],
  ) {
    this.line = new ProgressLine(stream);
  }

  show(runs: Iterable<ShownRun>): void {
    const all = [...runs];
    const active = all.find((run) => run.status === "running") ?? all.find((run) => run.status === "queued");
    if (active === undefined) return;
    const label = this.runIds.length > 1 ? `run ${this.runIds.indexOf(active.id) + 1}/${this.runIds.length}` : "run";
    const state = runProgressState(active, label);
    if (state.label !== this.lastShown && this.stream.isTTY === true) this.line.finish();
    this.lastShown = state.label;
    this.line.update(state);
  }

  /** Ends the line (before another line is printed, and at the end). */
  finish(): void {
    this.line.finish();
  }
}
