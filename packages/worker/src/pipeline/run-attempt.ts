import type { RunOutcome } from "@deadweight/protocol";
import { isServerCallError } from "../api/server-call-error.js";
import type { Claim, WorkerApi } from "../api/worker-api.js";
import { startHeartbeat } from "../heartbeat/heartbeat-loop.js";
import type { PipelineExecution, PipelineHost } from "./pipeline-host.js";
import { ProgressBoard } from "./progress-board.js";
import type { RunSettings } from "./run-settings.js";
import { isRunStop, type RunStop } from "./run-stop.js";
import { failureOutcome, isClaimEndedRefusal } from "./stage-failure.js";

export interface AttemptOptions {
  readonly api: WorkerApi;
  readonly leaseSeconds: number;
  /** When the claim was sent (Date.now() ms): the lease runs from no earlier than that. */
  readonly claimedAt: number;
  /** Aborted when the worker shuts down: the run is released back to the queue. */
  readonly shutdown: AbortSignal;
  /**
   * How long a stopped pipeline may take to unwind before the attempt ends without it (the
   * sweep, for one, only stops between thresholds). Default 2 s.
   */
  readonly stopGraceMs?: number;
  readonly settings: RunSettings;
  /** Where the pipeline runs: a thread of its own (pipelineThreads), a child process (pipelineProcesses), or this thread (inThisThread, tests). */
  readonly host: PipelineHost;
  readonly log: (line: string) => void;
}

/** How an attempt ended; "lease-lost" attempts were not finished (the run is no longer ours). */
export interface AttemptReport {
  readonly runId: string;
  readonly attempt: number;
  readonly outcome: RunOutcome["outcome"] | "lease-lost";
  /** The failure or stop reason, when there is one. */
  readonly message?: string;
  /** False when the server refused the finish (e.g. the run had been canceled meanwhile). */
  readonly reported: boolean;
}

const DEFAULT_STOP_GRACE_MS = 2_000;

/**
 * One claimed run, from claim to finish: runs the pipeline while a heartbeat keeps the lease,
 * stops it when a person cancels, the lease is lost or the worker shuts down, and reports the
 * outcome exactly once (never after a lost lease). Whatever is left of the pipeline (its thread) is
 * ended before the outcome is reported.
 */
export async function runAttempt(claim: Claim, options: AttemptOptions): Promise<AttemptReport> {
  const { api, log } = options;
  const run = claim.run;
  const ref = { runId: run.id, attempt: run.attempt };
  const controller = new AbortController();
  const stop = (reason: RunStop) => {
    if (controller.signal.aborted) return;
    log(`run ${run.id} attempt ${run.attempt}: stopping (${reason.kind}: ${reason.message})`);
    controller.abort(reason);
  };
  let beatSoon = () => {};
  const progress = new ProgressBoard(() => beatSoon());
  const heartbeat = startHeartbeat({
    api,
    run: ref,
    leaseSeconds: options.leaseSeconds,
    leaseGrantedAt: options.claimedAt,
    progress: () => progress.take(),
    onCancelRequested: () => stop({ kind: "canceled", message: "a person canceled the run" }),
    onLeaseLost: (reason) => stop({ kind: "lease-lost", message: reason }),
    log,
  });
  beatSoon = () => heartbeat.beatSoon();
  const onShutdown = () => stop({ kind: "released", message: "the worker is shutting down" });
  options.shutdown.addEventListener("abort", onShutdown, { once: true });
  if (options.shutdown.aborted) onShutdown();

  let outcome: RunOutcome | { readonly outcome: "lease-lost"; readonly message: string };
  let execution: PipelineExecution | undefined;
  try {
    execution = options.host.start({ api, run, signal: controller.signal, progress, settings: options.settings, log });
    const pipeline = execution.done.then(
      () => (controller.signal.aborted ? stopOutcome(controller.signal.reason) : ({ outcome: "succeeded" } as const)),
      async (error: unknown) => {
        if (!controller.signal.aborted && isClaimEndedRefusal(error)) {
          // A report was refused because the claim ended: the cancel (or the lost lease) came between
          // two heartbeats. Ask the server which, as a heartbeat does, and stop for that reason.
          await learnWhyTheClaimEnded(api, ref, stop);
        }
        return controller.signal.aborted ? stopOutcome(controller.signal.reason) : failureOutcome(error);
      },
    );
    outcome = await Promise.race([pipeline, unwindDeadline(controller.signal, options.stopGraceMs)]);
  } finally {
    options.shutdown.removeEventListener("abort", onShutdown);
    // A thread still busy after the grace period is terminated: nothing of this attempt outlives it.
    await Promise.all([heartbeat.stop(), execution?.dispose()]);
  }

  if (outcome.outcome === "lease-lost") {
    log(`run ${run.id} attempt ${run.attempt}: lease lost (${outcome.message}); left to the server, not finished`);
    return { ...ref, outcome: "lease-lost", message: outcome.message, reported: false };
  }
  const message = outcome.outcome === "failed" ? outcome.error : undefined;
  let reported = true;
  try {
    await api.finish({ ...ref, ...outcome });
  } catch (error) {
    reported = false;
    log(`run ${run.id} attempt ${run.attempt}: could not report ${outcome.outcome}: ${(error as Error).message}`);
  }
  log(
    `run ${run.id} attempt ${run.attempt}: ${outcome.outcome}${
      outcome.outcome === "failed"
        ? ` (${outcome.retryable ? "will be retried" : "not retryable"}): ${outcome.error}`
        : ""
    }`,
  );
  return { ...ref, outcome: outcome.outcome, ...(message === undefined ? {} : { message }), reported };
}

/** One heartbeat outside the schedule: it answers cancelRequested for a canceled run, CONFLICT for a lost claim. */
async function learnWhyTheClaimEnded(
  api: WorkerApi,
  ref: { readonly runId: string; readonly attempt: number },
  stop: (reason: RunStop) => void,
): Promise<void> {
  try {
    const reply = await api.heartbeat(ref);
    if (reply.cancelRequested) stop({ kind: "canceled", message: "a person canceled the run" });
  } catch (error) {
    if (isServerCallError(error) && error.kind === "conflict") stop({ kind: "lease-lost", message: error.message });
  }
}

function stopOutcome(reason: unknown): RunOutcome | { readonly outcome: "lease-lost"; readonly message: string } {
  if (!isRunStop(reason)) return failureOutcome(reason);
  if (reason.kind === "lease-lost") return { outcome: "lease-lost", message: reason.message };
  return { outcome: reason.kind };
}

/**
 * Resolves with the stop's outcome a grace period after the signal aborts, so a pipeline busy in a
 * step that cannot be interrupted does not hold up a cancel or a shutdown. Never resolves otherwise.
 */
function unwindDeadline(signal: AbortSignal, graceMs = DEFAULT_STOP_GRACE_MS) {
  return new Promise<ReturnType<typeof stopOutcome>>((resolve) => {
    const arm = () => {
      const timer = setTimeout(() => resolve(stopOutcome(signal.reason)), graceMs);
      timer.unref();
    };
    if (signal.aborted) arm();
    else signal.addEventListener("abort", arm, { once: true });
  });
}
