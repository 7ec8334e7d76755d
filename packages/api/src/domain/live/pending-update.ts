/**
 * What a live subscription has not sent yet: updates are merged while the subscriber is busy (a
 * slow connection gets the newest state, not a backlog), and `next` waits for the next one.
 */
export class PendingUpdate<T> {
  private pending: { readonly value: T } | null = null;
  private wake: (() => void) | null = null;

  /** @param merge combines an update not yet taken with a newer one (default: the newer wins). */
  constructor(private readonly merge: (older: T, newer: T) => T = (_older, newer) => newer) {}

  put(value: T): void {
    this.pending = { value: this.pending === null ? value : this.merge(this.pending.value, value) };
    this.wake?.();
  }

  /** The pending update (merged), waiting for one if there is none; undefined once `signal` aborts. */
  async next(signal: AbortSignal): Promise<T | undefined> {
    while (this.pending === null) {
      if (signal.aborted) return undefined;
      await new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener("abort", done);
          this.wake = null;
          resolve();
        };
        this.wake = done;
        signal.addEventListener("abort", done);
      });
    }
    if (signal.aborted) return undefined;
    const { value } = this.pending;
    this.pending = null;
    return value;
  }
}
