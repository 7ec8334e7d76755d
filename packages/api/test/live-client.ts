import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { EventSource } from "eventsource";
import type { AppRouter } from "../src/root.js";

/**
 * A tRPC client over HTTP whose subscriptions use server-sent events, as the CLI's does: Node 20
 * has no EventSource, so the `eventsource` package's, sending the headers (a bearer token) on every
 * (re)connection.
 */
export function liveApiClient(url: string, headers: Record<string, string>) {
  const withOrigin = { origin: new URL(url).origin, ...headers };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url: `${url}/api/trpc`,
          EventSource,
          eventSourceOptions: {
            fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...withOrigin } }),
          },
        }),
        false: httpLink({ url: `${url}/api/trpc`, headers: withOrigin }),
      }),
    ],
  });
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
