/**
 * How long an idle worker waits before asking for work again: `pollSeconds` after a claim that
 * found work, growing by half each time the queue is found empty, up to `maxPollSeconds`. A busy
 * queue is polled quickly; an idle one costs the server a request every few seconds per worker.
 */
export class IdleBackoff {
  private readonly minMs: number;
  private readonly maxMs: number;
  private currentMs: number;

  constructor(pollSeconds: number, maxPollSeconds: number) {
    this.minMs = Math.max(10, pollSeconds * 1000);
    this.maxMs = Math.max(this.minMs, maxPollSeconds * 1000);
    this.currentMs = this.minMs;
  }

  /** The wait after an empty (or failed) claim; each call waits longer, up to the maximum. */
  nextDelayMs(): number {
    const delay = this.currentMs;
    this.currentMs = Math.min(this.maxMs, Math.round(this.currentMs * 1.5));
    return delay;
  }

  /** Work was found: poll quickly again. */
  reset(): void {
    this.currentMs = this.minMs;
  }
}
