import { isServerCallError } from "../api/server-call-error.js";
import type { Claim, WorkerApi } from "../api/worker-api.js";
import { type AttemptReport, runAttempt } from "../pipeline/run-attempt.js";
import { IdleBackoff } from "./idle-backoff.js";

export interface ClaimLoopOptions {
  readonly api: WorkerApi;
  readonly workerName: string;
  /** Runs worked on at once by this process. */
  readonly concurrency: number;
  readonly leaseSeconds: number;
  readonly pollSeconds: number;
  readonly maxPollSeconds: number;
  /** Aborting it stops claiming and releases the runs in progress. */
  readonly signal: AbortSignal;
  readonly stopGraceMs?: number;
  readonly log: (line: string) => void;
}

/**
 * Claims runs while there is a free slot and the worker is not shutting down, runs each claimed run
 * to its end, and backs off while the queue is empty or the server cannot be reached. On shutdown
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
  let wake: (() => void) | null = null;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
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
      const claimedAt = Date.now();
      try {
        claim = await api.claim({ workerName: options.workerName, leaseSeconds: options.leaseSeconds });
      } catch (error) {
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
        await pause(backoff.nextDelayMs());
        continue;
      }
      backoff.reset();
      // A claim that arrives as the worker shuts down is handed straight back by its attempt.
      log(
        `run ${claim.run.id} attempt ${claim.run.attempt}/${claim.run.maxAttempts}: claimed (experiment "${claim.run.experimentName}", seed ${claim.run.seed})`,
      );
      const attempt: Promise<void> = runAttempt(claim, {
        api,
        leaseSeconds: options.leaseSeconds,
        claimedAt,
        shutdown: stopAll.signal,
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
