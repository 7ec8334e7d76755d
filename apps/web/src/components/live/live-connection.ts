/**
 * How a page's live updates stand, as the page shows it:
 * - `connecting`: the first connection is being made (nothing to say yet: the page was just rendered);
 * - `live`: connected; changes arrive as they happen;
 * - `reconnecting`: the stream was lost (server restarted, network down); the page shows what it had
 *   and catches up when the stream is back, since the first update after a reconnect is the whole state;
 * - `stopped`: the server refused the stream for good (the run is gone, access was removed).
 */
export type LiveConnection =
  | { readonly state: "connecting" }
  | { readonly state: "live" }
  | { readonly state: "reconnecting" }
  | { readonly state: "stopped"; readonly message: string };

/** tRPC error codes after which asking again cannot help: the page says why and stops listening. */
const FINAL_ERROR_CODES = new Set(["NOT_FOUND", "FORBIDDEN", "UNAUTHORIZED", "BAD_REQUEST"]);

/**
 * What a subscription's error means for the connection: a refusal the server stands by (its tRPC
 * code says so) stops it; anything else (a dropped connection, a proxy's error page) is worth a retry.
 */
export function connectionAfterError(error: unknown): LiveConnection {
  const code = (error as { data?: { code?: unknown } } | null)?.data?.code;
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
