import type { ReportedProgress } from "@deadweight/protocol";
import { formatDuration } from "./format-duration.js";

/** What the status table shows of a run (dates as the API sends them: ISO strings, or Dates in-process). */
export interface RunStatusRow {
  readonly id: string;
  readonly experimentName: string;
  readonly status: string;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly worker: string | null;
  readonly completedStages: readonly string[];
  readonly progress?: ReportedProgress | null;
  readonly errorMessage: string | null;
  readonly resultRowCount: number;
  readonly queuedAt: string | Date;
  readonly startedAt: string | Date | null;
  readonly finishedAt: string | Date | null;
}

export interface RunAttemptRow {
  readonly attempt: number;
  readonly worker: string;
  readonly startedAt: string | Date;
  readonly endedAt: string | Date | null;
  readonly outcome: string | null;
  readonly error: string | null;
  /** Absent from servers older than the column. */
  readonly resumedAtEpoch?: number | null;
}

const GAP = "  ";
/** The error column is cut here in the table; `deadweight status --run <id>` shows it whole. */
const ERROR_COLUMN_WIDTH = 60;

/** One line per run: id, experiment, status, attempt, stage, progress, worker, error. */
export function renderRunsTable(runs: readonly RunStatusRow[], now: Date = new Date()): string {
  if (runs.length === 0) return "no runs";
  const header = ["run", "experiment", "status", "attempt", "stage", "progress", "worker", "error"];
  const rows = runs.map((run) => [
    run.id,
    run.experimentName,
    run.status,
    `${run.attempt}/${run.maxAttempts}`,
    stageOf(run),
    progressOf(run, now),
    run.worker ?? "-",
    cut(run.errorMessage ?? "", ERROR_COLUMN_WIDTH),
  ]);
  return alignColumns([header, ...rows]);
}

/** The attempt history of one run: who held it, when, where its training resumed, and how each claim ended. */
export function renderAttemptsTable(attempts: readonly RunAttemptRow[]): string {
  if (attempts.length === 0) return "no attempts yet (the run has not been claimed)";
  const header = ["attempt", "worker", "started", "ended", "training", "outcome", "error"];
  const rows = attempts.map((attempt) => [
    String(attempt.attempt),
    attempt.worker,
    isoSeconds(attempt.startedAt),
    attempt.endedAt === null ? "-" : isoSeconds(attempt.endedAt),
    attempt.resumedAtEpoch === undefined || attempt.resumedAtEpoch === null
      ? "-"
      : `resumed at epoch ${attempt.resumedAtEpoch}`,
    attempt.outcome ?? "running",
    attempt.error ?? "",
  ]);
  return alignColumns([header, ...rows]);
}

function stageOf(run: RunStatusRow): string {
  if (run.status === "running") return run.progress?.stage ?? "starting";
  if (run.status === "queued" && run.completedStages.length > 0) {
    return `resumes after ${run.completedStages[run.completedStages.length - 1]}`;
  }
  return "-";
}

function progressOf(run: RunStatusRow, now: Date): string {
  const progress = run.progress ?? null;
  switch (run.status) {
    case "queued":
      return `waiting ${formatDuration((now.getTime() - new Date(run.queuedAt).getTime()) / 1000)}`;
    case "running":
      return progress === null ? "claimed" : describeProgress(progress);
    case "succeeded":
      return `${run.resultRowCount} rows in ${elapsed(run)}`;
    default:
      return run.finishedAt === null ? "-" : `after ${elapsed(run)}`;
  }
}

/** e.g. "epoch 2/5 40% loss 0.213 acc 94.1% ETA 12s" while training, else the stage's own message. */
export function describeProgress(progress: ReportedProgress): string {
  const parts: string[] = [];
  if (progress.stage === "train" && progress.epoch !== undefined && progress.epochs !== undefined) {
    parts.push(`epoch ${progress.epoch}/${progress.epochs}`);
    if (progress.batch !== undefined && progress.batches !== undefined && progress.batches > 0) {
      parts.push(`${Math.floor((100 * progress.batch) / progress.batches)}%`);
    }
  }
  const detail = progressDetail(progress);
  if (detail !== "") parts.push(detail);
  if (progress.etaSeconds !== undefined && progress.stage === "train" && progress.epoch !== undefined) {
    parts.push(`ETA ${formatDuration(progress.etaSeconds)}`);
  }
  return parts.length === 0 ? "-" : parts.join(" ");
}

/** Loss and accuracy while training, else the stage's message; "" when there is neither. */
export function progressDetail(progress: Partial<ReportedProgress>): string {
  if (progress.loss !== undefined || progress.accuracy !== undefined) {
    return [
      progress.loss === undefined ? "" : `loss ${progress.loss.toFixed(3)}`,
      progress.accuracy === undefined ? "" : `acc ${(100 * progress.accuracy).toFixed(1)}%`,
    ]
      .filter((part) => part !== "")
      .join(" ");
  }
  return progress.message ?? "";
}

function elapsed(run: RunStatusRow): string {
  if (run.startedAt === null || run.finishedAt === null) return "-";
  return formatDuration((new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime()) / 1000);
}

function isoSeconds(value: string | Date): string {
  return new Date(value).toISOString().slice(0, 19).replace("T", " ");
}

function cut(text: string, width: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}

function alignColumns(table: readonly string[][]): string {
  const widths: number[] = [];
  for (const row of table) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return table
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join(GAP)
        .trimEnd(),
    )
    .join("\n");
}
