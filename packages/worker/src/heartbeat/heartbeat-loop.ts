import type { RunAttemptRef, RunProgress } from "@deadweight/protocol";
import { isServerCallError, type ServerCallErrorKind } from "../api/server-call-error.js";
import type { WorkerApi } from "../api/worker-api.js";
import { nextBeat } from "./heartbeat-schedule.js";

/** Answers that mean the run is no longer this worker's to report; anything else is retried. */
const LEASE_LOST_KINDS: ReadonlySet<ServerCallErrorKind> = new Set([
  "conflict",
  "not-found",
  "unauthorized",
  "forbidden",
]);

export interface HeartbeatOptions {
  readonly api: Pick<WorkerApi, "heartbeat">;
  readonly run: RunAttemptRef;
  readonly leaseSeconds: number;
  /** When the lease was granted (the claim), in Date.now() milliseconds. */
  readonly leaseGrantedAt: number;
  /** The progress to carry: read at each beat, so it is always the latest. */
  readonly progress: () => RunProgress | undefined;
  /** A person canceled the run (called once). */
  readonly onCancelRequested: () => void;
  /** The run is no longer this worker's: stop working on it and do not finish it (called once). */
  readonly onLeaseLost: (reason: string) => void;
  readonly log: (line: string) => void;
}

export interface RunningHeartbeat {
  /** Beats now rather than at the next interval (e.g. a new stage began), or right after the beat in flight. */
  beatSoon(): void;
  /** Stops beating; resolves once a beat in flight has been answered. */
  stop(): Promise<void>;
}

/** Renews a run's lease in the background while the pipeline works, carrying live progress. */
export function startHeartbeat(options: HeartbeatOptions): RunningHeartbeat {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let beating = false;
  let beatAgain = false;
  let lastSuccessSentAt = options.leaseGrantedAt;
  let cancelReported = false;

  const schedule = (lastBeatFailed: boolean) => {
    if (stopped) return;
    const next = nextBeat({
      leaseSeconds: options.leaseSeconds,
      lastSuccessSentAt,
      now: Date.now(),
      lastBeatFailed,
    });
    if (next.kind === "lease-lost") {
      stopped = true;
      options.onLeaseLost(
        `no heartbeat reached the server for ${(next.silentMs / 1000).toFixed(1)} s, longer than the ${options.leaseSeconds} s lease`,
      );
      return;
    }
    timer = setTimeout(() => {
      inFlight = beat();
    }, next.delayMs);
  };

  const beat = async () => {
    if (stopped) return;
    beating = true;
    beatAgain = false;
    const sentAt = Date.now();
    const progress = options.progress();
    try {
      const reply = await options.api.heartbeat({ ...options.run, ...(progress === undefined ? {} : { progress }) });
      lastSuccessSentAt = sentAt;
      if (reply.cancelRequested && !cancelReported) {
        cancelReported = true;
        options.onCancelRequested();
      }
      beating = false;
      if (beatAgain && !stopped) inFlight = beat();
      else schedule(false);
    } catch (error) {
      beating = false;
      if (stopped) return;
      if (isServerCallError(error) && LEASE_LOST_KINDS.has(error.kind)) {
        // CONFLICT: the lease expired and the run went back to the queue, or it finished or was
        // canceled without us. A refused token (revoked) cannot report the run either.
        stopped = true;
        options.onLeaseLost(error.message);
        return;
      }
      options.log(`heartbeat of run ${options.run.runId} failed, retrying: ${(error as Error).message}`);
      schedule(true);
    }
  };

  schedule(false);
  return {
    beatSoon: () => {
      if (stopped) return;
      if (beating) {
        beatAgain = true;
        return;
      }
      clearTimeout(timer);
      inFlight = beat();
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      // A beat may chain another (beatSoon during a beat): wait until the last one is answered.
      for (let current = inFlight; ; current = inFlight) {
        await current;
        if (current === inFlight) return;
      }
    },
  };
}
