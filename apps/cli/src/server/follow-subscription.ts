import { fromStatus, type ServerCallError, toServerCallError } from "@deadweight/worker";
import { TRPCClientError } from "@trpc/client";
import type { ConnectionNotices } from "./connection-notices.js";

/** The callbacks a tRPC subscription takes, as far as following one needs them. */
export interface SubscriptionCallbacks<T> {
  onData(update: { readonly id: string; readonly data: T }): void;
  onError(error: TRPCClientError<never>): void;
  onComplete(): void;
  onConnectionStateChange(state: { readonly state: string; readonly error: unknown }): void;
}

export interface FollowSubscriptionOptions<T> {
  /** Opens the subscription (again after a lost stream, with the id of the last update received). */
  readonly open: (lastEventId: string | undefined, callbacks: SubscriptionCallbacks<T>) => { unsubscribe(): void };
  /** What is being followed, for error messages ("following run abc"). */
  readonly what: string;
  readonly serverUrl: string;
  /** One key per subscription, so the notices print once for all of them. */
  readonly key: string;
  readonly notices: ConnectionNotices;
  /** Each update; returns true when nothing more is wanted (the run finished). */
  readonly onUpdate: (update: T) => boolean;
  readonly signal?: AbortSignal | undefined;
}

/** Errors the server sent that no reconnection can cure: the command stops with the server's message. */
const FINAL_CODES: ReadonlySet<string> = new Set([
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "BAD_REQUEST",
  "PARSE_ERROR",
  "UNPROCESSABLE_CONTENT",
  "METHOD_NOT_SUPPORTED",
]);

/** Pause before opening a stream again after the HTTP request itself failed (e.g. a proxy's 502 page). */
const REOPEN_DELAYS_MS = [500, 1_000, 2_000, 4_000];

/**
 * Follows a subscription until `onUpdate` says it is done ("done") or `signal` aborts ("stopped").
 * A lost connection never ends it: tRPC's link (the `eventsource` client) reconnects by itself after
 * network failures; a stream the server closed (a restart) or an HTTP failure (a proxy with no
 * server behind it) is opened again here with the last update's id. The notices say when the
 * connection is lost and back. Only an error the server sent with a final code (not found,
 * forbidden, token refused, bad input) rejects, as a ServerCallError with the server's message.
 */
export async function followSubscription<T>(options: FollowSubscriptionOptions<T>): Promise<"done" | "stopped"> {
  const { notices, key, signal } = options;
  let lastEventId: string | undefined;
  let failures = 0;
  for (;;) {
    if (signal?.aborted) return "stopped";
    const ending = await new Promise<"done" | "stopped" | "lost" | "failed" | ServerCallError>((resolve) => {
      let settled = false;
      const settle = (outcome: "done" | "stopped" | "lost" | "failed" | ServerCallError) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        // After the callback that settled it has returned: unsubscribing inside tRPC's own callback is not safe.
        queueMicrotask(() => subscription.unsubscribe());
        resolve(outcome);
      };
      const onAbort = () => settle("stopped");
      const subscription = options.open(lastEventId, {
        onData: (update) => {
          lastEventId = update.id;
          failures = 0;
          notices.connected(key);
          if (options.onUpdate(update.data)) settle("done");
        },
        onError: (error) => {
          const final = finalError(error, options.serverUrl, options.what);
          settle(final ?? "failed");
        },
        // The server ended the stream (it is shutting down): open it again, the run is not done.
        onComplete: () => settle("lost"),
        onConnectionStateChange: (state) => {
          if (state.state === "connecting" && state.error != null) notices.connectionLost(key);
          else if (state.state === "pending") notices.connected(key);
        },
      });
      signal?.addEventListener("abort", onAbort);
    });
    if (ending === "done" || ending === "stopped") return ending;
    if (typeof ending !== "string") throw ending;
    notices.connectionLost(key);
    if (ending === "failed") {
      const delay = REOPEN_DELAYS_MS[Math.min(failures, REOPEN_DELAYS_MS.length - 1)] as number;
      failures++;
      if (await abortableDelay(delay, signal)) return "stopped";
    }
  }
}

/** The ServerCallError to stop with, or null when the failure is worth another connection. */
function finalError(error: unknown, serverUrl: string, what: string): ServerCallError | null {
  if (!(error instanceof TRPCClientError)) return null;
  const code = (error.data as { code?: string } | undefined)?.code;
  if (code !== undefined) return FINAL_CODES.has(code) ? toServerCallError(error, serverUrl, what) : null;
  // No tRPC answer: the event stream's request failed. An HTTP status in the 4xx range is final
  // (e.g. the admission rule refusing this client), anything else (5xx, a reset) is not.
  const status = (error.cause as { code?: unknown } | undefined)?.code;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return fromStatus(status, (error.cause as { message?: string }).message ?? error.message, serverUrl, what);
  }
  return null;
}

/** Waits `ms`; true when `signal` aborted first. */
function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(true);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(false);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(true);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
