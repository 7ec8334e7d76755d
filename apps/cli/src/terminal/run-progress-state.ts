import type { ReportedProgress } from "@deadweight/protocol";
import type { ProgressBarState } from "./progress-bar.js";
import { progressDetail, type RunStatusRow } from "./runs-table.js";

/** The progress line of a run being waited for: queued (and why), or its stage, epoch, batch, detail and ETA. */
export function runProgressState(
  run: Pick<RunStatusRow, "status" | "completedStages" | "attempt" | "maxAttempts" | "progress" | "worker">,
  label: string,
): ProgressBarState {
  if (run.status === "queued") {
    const resumes = run.completedStages.length > 0 ? `, resumes after ${run.completedStages.at(-1)}` : "";
    const detail =
      run.attempt === 0 ? "waiting for a worker" : `after attempt ${run.attempt}/${run.maxAttempts}${resumes}`;
    return { label: `${label} queued`, done: 0, total: 1, detail };
  }
  const progress: Partial<ReportedProgress> = run.progress ?? {};
  const stage = progress.stage ?? "starting";
  const epoch = stage === "train" && progress.epoch !== undefined ? ` epoch ${progress.epoch}/${progress.epochs}` : "";
  return {
    label: `${label} ${stage}${epoch}`,
    done: progress.batch ?? 0,
    total: progress.batches ?? 0,
    detail: `${progressDetail(progress)} (worker ${run.worker ?? "?"})`.trim(),
    ...(progress.etaSeconds === undefined ? {} : { etaSeconds: progress.etaSeconds }),
  };
}
