import { TRPCClientError } from "@trpc/client";
import { errorKindOfStatus, ServerCallError } from "./server-call-error.js";

/** Where a Deadweight server is and the bearer token to present to it. */
export interface ServerConnection {
  /** Base URL, e.g. "http://127.0.0.1:4100" (no trailing slash). */
  readonly serverUrl: string;
  readonly token: string;
  /** Per-request time limit for API calls; default 15 s. */
  readonly requestTimeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

/** The server URL as given by a person, checked and without a trailing slash. */
export function normaliseServerUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new ServerCallError("bad-request", `"${text}" is not a server URL; give one like http://127.0.0.1:4100`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ServerCallError("bad-request", `"${text}" is not an http(s) URL; give one like http://127.0.0.1:4100`);
  }
  return url.href.replace(/\/+$/, "");
}

/** The headers every call carries. */
export function authorisationHeaders(connection: ServerConnection): Record<string, string> {
  return { authorization: `Bearer ${connection.token}` };
}

/** fetch with a time limit, so a hung server turns into an "unreachable" error instead of a hang. */
export function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return (input, init) => {
    const limit = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, limit]) : limit;
    return fetch(input, { ...init, signal });
  };
}

/**
 * Any failure of a call to the server as a ServerCallError whose message says what happened and
 * what to do: unreachable server, refused token, missing object, or the server's own message.
 */
export function toServerCallError(error: unknown, serverUrl: string, what: string): ServerCallError {
  if (error instanceof ServerCallError) return error;
  if (error instanceof TRPCClientError) {
    const data = error.data as { httpStatus?: number; field?: string | null } | undefined;
    const status = data?.httpStatus;
    if (status !== undefined) return fromStatus(status, error.message, serverUrl, what, data?.field ?? undefined);
    return unreachable(error.cause ?? error, serverUrl, what);
  }
  return unreachable(error, serverUrl, what);
}

/** A ServerCallError for an HTTP answer with an error status. */
export function fromStatus(
  status: number,
  serverMessage: string,
  serverUrl: string,
  what: string,
  field?: string,
): ServerCallError {
  const kind = errorKindOfStatus(status);
  const message =
    kind === "unauthorized"
      ? `${what}: the server at ${serverUrl} refused the token (401: ${serverMessage}); check --token or DEADWEIGHT_TOKEN`
      : `${what}: ${serverMessage} (HTTP ${status})`;
  return new ServerCallError(kind, message, status, field);
}

function unreachable(error: unknown, serverUrl: string, what: string): ServerCallError {
  const reason = networkReason(error);
  return new ServerCallError(
    "unreachable",
    `${what}: cannot reach the Deadweight server at ${serverUrl} (${reason}); is it running, and is --server right?`,
  );
}

function networkReason(error: unknown): string {
  let current: unknown = error;
  // fetch wraps the socket error ("fetch failed" <- ECONNREFUSED); the innermost code says most.
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === "string" && code !== "") return code;
    if (current.name === "TimeoutError") return "no answer in time";
    if (current.cause === undefined) break;
    current = current.cause;
  }
  return current instanceof Error ? current.message : String(current);
}
