/**
 * When to send the next heartbeat. A beat every third of the lease lets two in a row fail before
 * the lease runs out; beats are also at most MAX_BEAT_INTERVAL_MS apart, because the heartbeat's
 * answer is how a worker learns that a person canceled its run.
 */

export const MAX_BEAT_INTERVAL_MS = 5_000;
/** A failed beat is retried this soon (or at the regular interval, when that is shorter). */
export const RETRY_AFTER_FAILURE_MS = 1_000;

/** Milliseconds between successful beats for a lease of `leaseSeconds`. */
export function heartbeatIntervalMs(leaseSeconds: number): number {
  return Math.max(100, Math.min((leaseSeconds * 1000) / 3, MAX_BEAT_INTERVAL_MS));
}

export type NextBeat =
  | { readonly kind: "beat"; readonly delayMs: number }
  /** No beat got through for a whole lease: the server has given the run up, maybe to another worker. */
  | { readonly kind: "lease-lost"; readonly silentMs: number };

/**
 * The next step after a beat. `lastSuccessSentAt` is when the last beat the server accepted was
 * sent (sent, not answered: the server extended the lease no earlier than that), or the claim time.
 */
export function nextBeat(input: {
  readonly leaseSeconds: number;
  readonly lastSuccessSentAt: number;
  readonly now: number;
  readonly lastBeatFailed: boolean;
}): NextBeat {
  const interval = heartbeatIntervalMs(input.leaseSeconds);
  const leaseMs = input.leaseSeconds * 1000;
  const silentMs = input.now - input.lastSuccessSentAt;
  if (silentMs >= leaseMs) return { kind: "lease-lost", silentMs };
  const wanted = input.lastBeatFailed ? Math.min(interval, RETRY_AFTER_FAILURE_MS) : interval;
  // Never wait past the lease's end for a retry: the last try goes out as it runs out (the server
  // may not have noticed yet), and if that fails too the next step is "lease-lost".
  return { kind: "beat", delayMs: Math.min(wanted, leaseMs - silentMs) };
}
