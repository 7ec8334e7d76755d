/**
 * How a page's live updates stand, as the page shows it:
 * - `connecting`: the first connection is being made (nothing to say yet: the page was just rendered);
 * - `live`: connected; changes arrive as they happen;
 * - `reconnecting`: the stream was lost (server restarted, network down); the page shows what it had
 *   and catches up when the stream is back, since the first update after a reconnect is the whole state;
 * - `stopped`: the server refused the stream for good (the run is gone, access was removed);
 * - `session-ended`: the visitor is no longer signed in (the session expired or was signed out):
 *   nothing but signing in again can help, so the page says so and stops asking.
 */
export type LiveConnection =
  | { readonly state: "connecting" }
  | { readonly state: "live" }
  | { readonly state: "reconnecting" }
  | { readonly state: "stopped"; readonly message: string }
  | { readonly state: "session-ended" };

/** tRPC error codes after which asking again cannot help: the page says why and stops listening. */
const FINAL_ERROR_CODES = new Set(["NOT_FOUND", "FORBIDDEN", "BAD_REQUEST"]);

function trpcCodeOf(error: unknown): unknown {
  return (error as { data?: { code?: unknown } } | null)?.data?.code;
}

/**
 * What a subscription's error means for the connection: UNAUTHORIZED ends the session's live
 * updates; another refusal the server stands by (its tRPC code says so) stops them with its reason;
 * anything else (a dropped connection, a proxy's error page, a refusal the browser's EventSource
 * cannot read) is worth a retry, once the session is known to be alive (connectionAfterSessionCheck).
 */
export function connectionAfterError(error: unknown): LiveConnection {
  const code = trpcCodeOf(error);
  if (code === "UNAUTHORIZED") return { state: "session-ended" };
  if (typeof code === "string" && FINAL_ERROR_CODES.has(code)) {
    const message = error instanceof Error && error.message !== "" ? error.message : code;
    return { state: "stopped", message };
  }
  return { state: "reconnecting" };
}

/** How long to wait before opening a stream again after it ended: doubling from 1 s up to 15 s. */
export function resumeDelayMs(failuresInARow: number): number {
  return Math.min(15_000, 1_000 * 2 ** Math.max(0, failuresInARow - 1));
}

/**
 * Whether to open a failed stream again, from a plain API call made to check the session (null: it
 * answered). The API refuses an ended session's stream with a readable UNAUTHORIZED, but a stream
 * whose request failed before tRPC answered (a proxy's or gateway's refusal page, a dropped
 * connection) reaches the page with no reason at all, and the browser's EventSource shows no status.
 * A check refused UNAUTHORIZED says the session ended (no retry); any other outcome leaves the retry
 * to the usual delays.
 */
export function connectionAfterSessionCheck(checkError: unknown): LiveConnection {
  return trpcCodeOf(checkError) === "UNAUTHORIZED" ? { state: "session-ended" } : { state: "reconnecting" };
}
