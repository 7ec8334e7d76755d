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

/**
 * Where a worker reaches its platform: one server, or several replicas of the API over one shared
 * store, tried in this order (a worker moves to the next when one stops answering).
 */
export interface WorkerConnection {
  /** Base URLs without trailing slashes, at least one, each once. */
  readonly serverUrls: readonly string[];
  readonly token: string;
  /** Per-request time limit for API calls; default 15 s. */
  readonly requestTimeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

/** The HTTP statuses with which a proxy in front of a server says the server behind it is down or slow. */
export const GATEWAY_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

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

/**
 * A comma-separated list of server URLs as given by a person ("http://a:4100,http://b:4100"), each
 * checked and without a trailing slash; the error names the entry that is wrong.
 */
export function normaliseServerUrls(text: string): string[] {
  const entries = text.split(",").map((entry) => entry.trim());
  if (entries.length === 1) return [normaliseServerUrl(text)];
  const urls: string[] = [];
  for (const [index, entry] of entries.entries()) {
    const position = `entry ${index + 1} of ${entries.length}`;
    if (entry === "") {
      throw new ServerCallError(
        "bad-request",
        `${position} is empty; separate the URLs with single commas, e.g. http://10.0.0.1:4100,http://10.0.0.2:4100`,
      );
    }
    let url: string;
    try {
      url = normaliseServerUrl(entry);
    } catch (error) {
      throw new ServerCallError("bad-request", `${position}: ${(error as Error).message}`);
    }
    const earlier = urls.indexOf(url);
    if (earlier !== -1) {
      throw new ServerCallError(
        "bad-request",
        `${position}, "${entry}", repeats entry ${earlier + 1}; list each server once`,
      );
    }
    urls.push(url);
  }
  return urls;
}

/** The headers every call carries. */
export function authorisationHeaders(connection: Pick<ServerConnection, "token">): Record<string, string> {
  return { authorization: `Bearer ${connection.token}` };
}

/**
 * fetch with a time limit, so a hung server turns into an "unreachable" error instead of a hang. A
 * proxy's error page (502/503/504 that is not JSON) fails as a GatewayAnswer, so it keeps its status
 * instead of surfacing as an unreadable tRPC answer.
 */
export function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const limit = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, limit]) : limit;
    const response = await fetch(input, { ...init, signal });
    if (GATEWAY_STATUSES.has(response.status) && !response.headers.get("content-type")?.includes("json")) {
      const page = (await response.text()).replace(/\s+/g, " ").trim().slice(0, 200);
      throw new GatewayAnswer(response.status, page === "" ? response.statusText : page);
    }
    return response;
  };
}

/** A 502/503/504 answered without the API's JSON: a proxy (or load balancer) whose server is gone. */
class GatewayAnswer extends Error {
  readonly status: number;

  constructor(status: number, page: string) {
    super(`no answer from the API behind it, only an error page ("${page}")`);
    this.name = "GatewayAnswer";
    this.status = status;
  }
}

/**
 * Any failure of a call to the server as a ServerCallError whose message says what happened and
 * what to do: unreachable server, refused token, missing object, or the server's own message.
 */
export function toServerCallError(error: unknown, serverUrl: string, what: string): ServerCallError {
  if (error instanceof ServerCallError) return error;
  const gateway = error instanceof TRPCClientError ? error.cause : error;
  if (gateway instanceof GatewayAnswer) return fromStatus(gateway.status, gateway.message, serverUrl, what);
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
    undefined,
    undefined,
    reason,
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
