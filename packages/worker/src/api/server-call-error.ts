/**
 * Why a call to the server failed, in terms the worker acts on:
 * - unreachable: no HTTP answer (server down, network); worth retrying later.
 * - unauthorized: the token is unknown or revoked; retrying cannot help.
 * - forbidden: the token may not do this (e.g. a user token calling the worker router).
 * - not-found / bad-request: the server refused the request as asked.
 * - conflict: the run is no longer this worker's (lease lost, run canceled or finished), or an
 *   artifact name is taken by other bytes.
 * - server: the server failed (5xx); worth retrying later.
 */
export type ServerCallErrorKind =
  | "unreachable"
  | "unauthorized"
  | "forbidden"
  | "not-found"
  | "bad-request"
  | "conflict"
  | "server";

/**
 * Socket failures that happen before a request leaves this machine (refused, unknown host, no
 * route, connect timeout): the server cannot have acted on the request.
 */
const NOT_CONNECTED_REASONS: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** The one error type of calls to a Deadweight server (worker router, user procedures, artifact routes). */
export class ServerCallError extends Error {
  readonly kind: ServerCallErrorKind;
  /** The HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** The input field the server blamed, when it named one (e.g. "name" for a taken artifact name). */
  readonly field: string | undefined;
  /** Why there was no HTTP answer ("ECONNREFUSED", "UND_ERR_SOCKET", "no answer in time"), for "unreachable". */
  readonly networkReason: string | undefined;

  constructor(kind: ServerCallErrorKind, message: string, status?: number, field?: string, networkReason?: string) {
    super(message);
    this.name = "ServerCallError";
    this.kind = kind;
    this.status = status;
    this.field = field;
    this.networkReason = networkReason;
  }

  /** Whether the same call may succeed later without anything changing on this side. */
  get transient(): boolean {
    return this.kind === "unreachable" || this.kind === "server";
  }

  /**
   * Whether the request certainly never reached a server (no connection was made), so even a call
   * that must not run twice may be sent elsewhere. A reset or a timeout may come after the server acted.
   */
  get neverSent(): boolean {
    return (
      this.kind === "unreachable" && this.networkReason !== undefined && NOT_CONNECTED_REASONS.has(this.networkReason)
    );
  }
}

/** The error kind for an HTTP status the server answered with. */
export function errorKindOfStatus(status: number): ServerCallErrorKind {
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not-found";
  if (status === 409) return "conflict";
  if (status >= 500) return "server";
  return "bad-request";
}

export function isServerCallError(error: unknown, kind?: ServerCallErrorKind): error is ServerCallError {
  return error instanceof ServerCallError && (kind === undefined || error.kind === kind);
}
