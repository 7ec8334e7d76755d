import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ExperimentLimits } from "@deadweight/experiment-config";
import { getRequestListener } from "@hono/node-server";
import { type Auth, CLIENT_ADDRESS_HEADER, createAuth } from "../auth/create-auth.js";
import { defaultSignUpPolicy, type SignUpPolicy } from "../domain/sign-up/sign-up-policy.js";
import type { Store } from "../store/store.js";
import { createApiApp, type NodePageHandler } from "./api-app.js";
import { type Exposure, exposureOf } from "./request-admission.js";

export type { NodePageHandler } from "./api-app.js";

/** Uploads above this are refused with 413 unless `maxArtifactUploadBytes` says otherwise. */
export const DEFAULT_MAX_ARTIFACT_UPLOAD_BYTES = 512 * 1024 * 1024;

/** tRPC and sign-in bodies of people (and anonymous callers): a form or a JSON call is a few kilobytes. */
export const DEFAULT_MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/**
 * tRPC bodies of worker tokens: a results report carries up to 10,000 sweep rows (MAX_RESULT_ROWS)
 * plus every neuron's statistics and histogram; test/request-body-limit.test.ts builds one for a
 * 784-512-256-128 network (6.1 MiB as JSON) and checks it fits twice over.
 */
export const DEFAULT_MAX_WORKER_REQUEST_BODY_BYTES = 32 * 1024 * 1024;

export interface HttpServerOptions {
  readonly store: Store;
  /** better-auth's signing secret (at least 32 random characters). */
  readonly authSecret: string;
  /** Address to bind; default 127.0.0.1. Anything but loopback turns on the network admission rule. */
  readonly host?: string;
  /** Port to bind; default 0 (any free port, see `url`). */
  readonly port?: number;
  /** The URL people use to reach the server when it differs from http://host:port (proxy, host name). */
  readonly publicURL?: string;
  /** Further origins (e.g. a dashboard on another port) allowed to make cookie-authenticated changes. */
  readonly trustedOrigins?: readonly string[];
  /**
   * Bound to every interface (0.0.0.0, ::) without `publicURL`: trust the origin of the Host header
   * each browser used. Off by default (it lets a DNS-rebinding page in); otherwise set `publicURL`.
   */
  readonly trustHostOrigin?: boolean;
  /** better-auth's sign-in rate limit; default on. */
  readonly authRateLimit?: boolean;
  /** Default DEFAULT_MAX_ARTIFACT_UPLOAD_BYTES. */
  readonly maxArtifactUploadBytes?: number;
  /** tRPC and sign-in request bodies above this answer 413; default DEFAULT_MAX_REQUEST_BODY_BYTES. */
  readonly maxRequestBodyBytes?: number;
  /** Who may sign up over HTTP; default open on loopback, invite-only on the network (defaultSignUpPolicy). */
  readonly signUp?: SignUpPolicy;
  /** The same for worker tokens; default DEFAULT_MAX_WORKER_REQUEST_BODY_BYTES. */
  readonly maxWorkerRequestBodyBytes?: number;
  /** What one experiment may ask for; default DEFAULT_EXPERIMENT_LIMITS. */
  readonly experimentLimits?: ExperimentLimits;
  readonly logError?: (message: string, error: unknown) => void;
}

export interface RunningHttpServer {
  readonly server: Server;
  /** Base URL of the bound server, e.g. "http://127.0.0.1:41234" (or the public URL it was given). */
  readonly url: string;
  /** How processes on this machine reach it directly (a loopback address when bound to every interface). */
  readonly localUrl: string;
  readonly exposure: Exposure;
  /** The better-auth instance serving /api/auth (its `api` can create users server-side). */
  readonly auth: Auth;
  /** From now on, requests outside /api and /healthz go to `handler` (before: 404). */
  servePages(handler: NodePageHandler): void;
  /** Stops accepting connections, lets requests in flight finish (up to `graceMs`), then closes. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Binds a node:http server and serves the platform's Hono app on it (api-app.ts) through Hono's
 * node adapter. better-auth is created once the port is known, because its base URL (the origin it
 * trusts for cookies) includes the port; until then requests answer 503.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const host = options.host ?? "127.0.0.1";
  const exposure = exposureOf(host);
  const logError = options.logError ?? ((message, error) => console.error(message, error));
  let listener: ((incoming: IncomingMessage, outgoing: ServerResponse) => Promise<void>) | undefined;
  let pages: NodePageHandler | undefined;

  const server = createServer((incoming, outgoing) => {
    if (listener === undefined) {
      outgoing.writeHead(503, { "content-type": "application/json", "retry-after": "1" });
      outgoing.end(JSON.stringify({ error: { code: "UNAVAILABLE", message: "the server is starting" } }));
      return;
    }
    if (!isOriginForm(incoming.url)) {
      // An absolute-form target (`GET http://elsewhere/x`) is for proxies; answered, it would build
      // URLs (redirects included) on a host the client chose.
      const body = JSON.stringify({
        error: {
          code: "BAD_REQUEST",
          message: `the request target must be a path starting with "/" (got ${JSON.stringify((incoming.url ?? "").slice(0, 100))}); this server is not a proxy`,
        },
      });
      outgoing.writeHead(400, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        "x-content-type-options": "nosniff",
      });
      outgoing.end(body);
      return;
    }
    setClientAddress(incoming);
    void listener(incoming, outgoing);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });

  const address = server.address() as AddressInfo;
  const boundHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = trimSlash(options.publicURL ?? `http://${boundHost}:${address.port}`);
  const localHost = address.address === "0.0.0.0" ? "127.0.0.1" : address.address === "::" ? "[::1]" : boundHost;
  const localUrl = `http://${localHost}:${address.port}`;
  const origin = new URL(url).origin;
  // Bound to every interface, the server has no one name: only the operator knows the browsers' origin.
  const nameless = options.publicURL === undefined && (address.address === "0.0.0.0" || address.address === "::");
  const trustHostOrigin = nameless && options.trustHostOrigin === true;
  const untrustedOriginHint =
    nameless && !trustHostOrigin
      ? `the server is bound to ${address.address} and does not know the URL browsers use: set DEADWEIGHT_PUBLIC_URL to it, e.g. http://<this machine's name>:${address.port}, or DEADWEIGHT_TRUST_HOST_ORIGIN=on to trust whatever host name a browser used`
      : undefined;
  const auth = createAuth(options.store, {
    secret: options.authSecret,
    baseURL: url,
    trustedOrigins: options.trustedOrigins ?? [],
    trustHostOrigin,
    rateLimit: options.authRateLimit ?? true,
  });
  // Live subscriptions end when the server closes, so their streams finish instead of waiting out the grace.
  const shutdown = new AbortController();
  const app = createApiApp({
    shutdown: shutdown.signal,
    store: options.store,
    auth,
    exposure,
    trustedOrigins: [origin, ...(options.trustedOrigins ?? [])],
    trustHostOrigin,
    ...(untrustedOriginHint === undefined ? {} : { untrustedOriginHint }),
    maxArtifactUploadBytes: options.maxArtifactUploadBytes ?? DEFAULT_MAX_ARTIFACT_UPLOAD_BYTES,
    maxRequestBodyBytes: options.maxRequestBodyBytes ?? DEFAULT_MAX_REQUEST_BODY_BYTES,
    signUpPolicy: options.signUp ?? defaultSignUpPolicy(exposure),
    maxWorkerRequestBodyBytes: options.maxWorkerRequestBodyBytes ?? DEFAULT_MAX_WORKER_REQUEST_BODY_BYTES,
    pages: () => pages,
    ...(options.experimentLimits === undefined ? {} : { experimentLimits: options.experimentLimits }),
    logError,
  });
  listener = getRequestListener(app.fetch, {
    errorHandler: (error) => {
      logError("a request could not be read", error);
      return new Response(
        JSON.stringify({ error: { code: "BAD_REQUEST", message: "the request could not be read" } }),
        {
          status: 400,
          headers: { "content-type": "application/json" },
        },
      );
    },
  });

  return {
    server,
    url,
    localUrl,
    exposure,
    auth,
    servePages: (handler) => {
      pages = handler;
    },
    close: (graceMs = 5_000) => {
      shutdown.abort();
      return closeServer(server, graceMs);
    },
  };
}

/**
 * The header better-auth's rate limiter keys on, set to the socket's peer address and overwriting
 * whatever a client sent, so a forged X-Forwarded-For cannot move a client to another bucket.
 */
function setClientAddress(incoming: IncomingMessage): void {
  const raw = incoming.rawHeaders;
  for (let i = raw.length - 2; i >= 0; i -= 2) {
    if (raw[i]!.toLowerCase() === CLIENT_ADDRESS_HEADER) raw.splice(i, 2);
  }
  raw.push(CLIENT_ADDRESS_HEADER, incoming.socket.remoteAddress ?? "");
  incoming.headers[CLIENT_ADDRESS_HEADER] = incoming.socket.remoteAddress ?? "";
}

/** An origin-form request target ("/path?query"), the only form a server that is not a proxy serves. */
function isOriginForm(target: string | undefined): boolean {
  return target?.startsWith("/") === true;
}

function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    // Keep-alive connections would hold close() open forever; in-flight requests get `graceMs`.
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    force.unref();
    // A connection whose last answer ends after close() (a live subscription the shutdown ended) stays
    // open for keep-alive, and a client may send its next request on it: close such ones as they idle.
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    idle.unref();
    server.close((error) => {
      clearTimeout(force);
      clearInterval(idle);
      if (error) reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}

function trimSlash(url: string): string {
  return url.endsWith("/") ? url.slice(0, -1) : url;
}
