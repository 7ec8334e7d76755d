import { isServerCallError } from "../api/server-call-error.js";
import type { Claim, WorkerApi } from "../api/worker-api.js";
import type { PipelineHost } from "../pipeline/pipeline-host.js";
import { type AttemptReport, runAttempt } from "../pipeline/run-attempt.js";
import type { RunSettings } from "../pipeline/run-settings.js";
import { IdleBackoff } from "./idle-backoff.js";

const DEFAULT_CLAIM_WAIT_SECONDS = 20;
/**
 * A waiting claim's lease starts when the server finds a run, near the end of the wait, not when the
 * claim was sent: the lease is counted from this long before the answer arrived (or from the send,
 * if later), which covers the server's answer time with plenty to spare against a lease's 5 s minimum.
 */
const CLAIM_ANSWER_MARGIN_MS = 1_000;

export interface ClaimLoopOptions {
  readonly api: WorkerApi;
  readonly workerName: string;
  /** Runs worked on at once by this process. */
  readonly concurrency: number;
  readonly leaseSeconds: number;
  /** First wait after a failed claim (or an empty answer from a server that does not wait); grows up to maxPollSeconds. */
  readonly pollSeconds: number;
  readonly maxPollSeconds: number;
  /** How long the server may hold a claim open waiting for work (long poll); default 20 s, 0 to poll. */
  readonly claimWaitSeconds?: number;
  /** Aborting it stops claiming and releases the runs in progress. */
  readonly signal: AbortSignal;
  readonly stopGraceMs?: number;
  /** What every run of this worker is given (see RunSettings). */
  readonly settings: RunSettings;
  /** Where each claimed run's pipeline runs (see AttemptOptions.host). */
  readonly host: PipelineHost;
  readonly log: (line: string) => void;
}

/**
 * Claims runs while there is a free slot and the worker is not shutting down, runs each claimed run
 * to its end. An empty queue is waited out on the server (the claim is answered as soon as a run is
 * queued); the worker backs off only while the server cannot be reached (or does not wait). On shutdown
 * it waits for the runs in progress to be released. A refused token ends the loop with its error.
 */
export async function claimLoop(options: ClaimLoopOptions): Promise<AttemptReport[]> {
  const { api, log } = options;
  const reports: AttemptReport[] = [];
  const active = new Set<Promise<void>>();
  // Aborted on shutdown and also when the loop must end for a refused token.
  const stopAll = new AbortController();
  const onShutdown = () => stopAll.abort();
  options.signal.addEventListener("abort", onShutdown, { once: true });
  if (options.signal.aborted) onShutdown();
  const backoff = new IdleBackoff(options.pollSeconds, options.maxPollSeconds);
  const waitSeconds = options.claimWaitSeconds ?? DEFAULT_CLAIM_WAIT_SECONDS;
  let wake: (() => void) | null = null;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopAll.signal.aborted) {
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        stopAll.signal.removeEventListener("abort", done);
        wake = null;
        resolve();
      }
      wake = done;
      stopAll.signal.addEventListener("abort", done, { once: true });
    });

  let fatal: unknown = null;
  try {
    while (!stopAll.signal.aborted) {
      if (active.size >= options.concurrency) {
        await pause(60_000);
        continue;
      }
      let claim: Claim | null;
      const sentAt = Date.now();
      try {
        claim = await api.claim(
          { workerName: options.workerName, leaseSeconds: options.leaseSeconds, waitSeconds },
          stopAll.signal,
        );
      } catch (error) {
        if (stopAll.signal.aborted) break;
        if (isServerCallError(error) && !error.transient && error.kind !== "bad-request") {
          fatal = error;
          break;
        }
        const delay = backoff.nextDelayMs();
        log(`claim failed, trying again in ${(delay / 1000).toFixed(1)} s: ${(error as Error).message}`);
        await pause(delay);
        continue;
      }
      if (claim === null) {
        if (stopAll.signal.aborted) break;
        // An empty answer well before the wait was up: a server that does not wait, or one shutting down.
        if (Date.now() - sentAt < (waitSeconds * 1000) / 2) await pause(backoff.nextDelayMs());
        continue;
      }
      backoff.reset();
      const claimedAt = Math.max(sentAt, Date.now() - CLAIM_ANSWER_MARGIN_MS);
      // A claim that arrives as the worker shuts down is handed straight back by its attempt.
      log(
        `run ${claim.run.id} attempt ${claim.run.attempt}/${claim.run.maxAttempts}: claimed (experiment "${claim.run.experimentName}", seed ${claim.run.seed})`,
      );
      const attempt: Promise<void> = runAttempt(claim, {
        api,
        leaseSeconds: options.leaseSeconds,
        claimedAt,
        shutdown: stopAll.signal,
        settings: options.settings,
        host: options.host,
        log,
        ...(options.stopGraceMs === undefined ? {} : { stopGraceMs: options.stopGraceMs }),
      })
        .then(
          (report) => {
            reports.push(report);
          },
          (error: unknown) => log(`run ${claim.run.id}: the attempt broke down: ${(error as Error).stack ?? error}`),
        )
        .finally(() => {
          active.delete(attempt);
          wake?.();
        });
      active.add(attempt);
    }
  } finally {
    options.signal.removeEventListener("abort", onShutdown);
    stopAll.abort();
    await Promise.all(active);
  }
  if (fatal !== null) throw fatal;
  return reports;
}
