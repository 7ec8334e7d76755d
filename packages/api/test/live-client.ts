import { createNodeApiClient } from "../src/client/node-api-client.js";

/** A client of the server at `url` presenting a user token, as the CLI's is (subscriptions over server-sent events). */
export function liveApiClient(url: string, token: string) {
  return createNodeApiClient({ serverUrl: url, credentials: { token } });
}

/**
 * What a subscription has delivered so far, and a way to wait for the update a test expects next:
 * resolved by the delivery itself (no clock), failed by the subscription's error, or after
 * `deadlineMs` with what was seen (so a missing update fails with a message, not a hung test).
 */
export class Received<T> {
  readonly updates: T[] = [];
  error: unknown = null;
  private waiters: Array<() => void> = [];

  push = (update: T): void => {
    this.updates.push(update);
    this.wakeAll();
  };

  fail = (error: unknown): void => {
    this.error = error;
    this.wakeAll();
  };

  async until(predicate: (update: T) => boolean, what: string, deadlineMs = 15_000): Promise<T> {
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      const found = this.updates.find(predicate);
      if (found !== undefined) return found;
      if (this.error !== null) throw new Error(`the subscription failed before ${what}: ${String(this.error)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no update with ${what} after ${deadlineMs} ms; got ${this.updates.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
