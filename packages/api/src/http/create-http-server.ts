import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Db } from "@deadweight/db";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { Actor } from "../access/actor.js";
import { type Auth, CLIENT_ADDRESS_HEADER, createAuth } from "../auth/create-auth.js";
import { resolveActor } from "../auth/resolve-actor.js";
import { AppError } from "../errors/app-error.js";
import { asAppError, httpStatusOf, toTrpcError } from "../errors/error-mapping.js";
import { appRouter } from "../root.js";
import { createDirectTrpcQueryHandler, type DirectTrpcQueryHandler } from "./direct-trpc-query.js";
import { discardUnreadBody, sendFetchResponse, toFetchRequest } from "./node-fetch-bridge.js";
import { admitRequest, checkCookieOrigin, type Exposure, exposureOf } from "./request-admission.js";

/**
 * Serves /api/artifacts*: gets the request (body still streaming) and the already-resolved caller.
 * Admission (the network rule) has been applied; role checks are the handler's own.
 */
export type ArtifactRequestHandler = (request: Request, actor: Actor) => Promise<Response>;

/**
 * Serves every request outside /api and /healthz (the dashboard's pages and assets), on the raw
 * node request so a framework's own server (Next.js) can handle it.
 */
export type NodePageHandler = (incoming: IncomingMessage, outgoing: ServerResponse) => Promise<void>;

export interface ApiRequestHandlerOptions {
  readonly db: Db;
  readonly auth: Auth;
  readonly exposure: Exposure;
  /** Origins whose cookie-authenticated state-changing requests are accepted (the server's own included). */
  readonly trustedOrigins: readonly string[];
  readonly artifactHandler?: ArtifactRequestHandler;
  /** Where unexpected failures are reported (their details never reach the client). */
  readonly logError?: (message: string, error: unknown) => void;
}

/**
 * The whole API as a fetch handler: /healthz, /api/auth/* (better-auth), /api/trpc/* (tRPC),
 * /api/artifacts* (the supplied handler). Resolves the caller once and applies the admission rule
 * of request-admission.ts before any route runs.
 */
export function createApiRequestHandler(options: ApiRequestHandlerOptions): (request: Request) => Promise<Response> {
  const { db, auth } = options;
  const trustedOrigins = new Set(options.trustedOrigins);
  const logError = options.logError ?? ((message, error) => console.error(message, error));

  return async (request) => {
    const { pathname } = new URL(request.url);
    const isTrpc = pathname === "/api/trpc" || pathname.startsWith("/api/trpc/");
    try {
      if (pathname === "/healthz") return json(200, { ok: true });

      let actor: Actor;
      let refusal: AppError | null;
      try {
        actor = await resolveActor(request.headers, { db, auth });
        refusal =
          admitRequest({ exposure: options.exposure, actor, method: request.method, pathname }) ??
          (pathname.startsWith("/api/auth/") ? null : checkCookieOrigin(request, trustedOrigins));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        actor = { kind: "anonymous" };
        refusal = error;
      }

      if (isTrpc) {
        // Refusals go through tRPC too, so tRPC clients get them in the shape they understand.
        return await fetchRequestHandler({
          endpoint: "/api/trpc",
          req: request,
          router: appRouter,
          createContext: () => {
            if (refusal !== null) throw toTrpcError(refusal);
            return { db, actor };
          },
          onError: ({ error, path }) => {
            if (error.code === "INTERNAL_SERVER_ERROR") logError(`tRPC ${path ?? "(unknown path)"} failed`, error);
          },
        });
      }
      if (refusal !== null) return errorResponse(refusal);
      if (pathname.startsWith("/api/auth/")) return await auth.handler(request);
      if (pathname === "/api/artifacts" || pathname.startsWith("/api/artifacts/")) {
        if (options.artifactHandler === undefined) {
          return errorResponse(new AppError("NOT_FOUND", "artifact routes are not enabled on this server"));
        }
        return await options.artifactHandler(request, actor);
      }
      return errorResponse(new AppError("NOT_FOUND", `no route for ${request.method} ${pathname}`));
    } catch (error) {
      if (!(error instanceof AppError)) logError(`${request.method} ${pathname} failed`, error);
      return errorResponse(asAppError(error));
    }
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

/** The body every non-tRPC error gets: `{ error: { code, message, field? } }`. */
function errorResponse(error: AppError): Response {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (error.code === "UNAUTHORIZED") headers["www-authenticate"] = 'Bearer realm="deadweight"';
  const body = { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } };
  return new Response(JSON.stringify(body), { status: httpStatusOf(error), headers });
}

export interface HttpServerOptions {
  readonly db: Db;
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
  /** better-auth's sign-in rate limit; default on. */
  readonly authRateLimit?: boolean;
  readonly artifactHandler?: ArtifactRequestHandler;
  readonly logError?: (message: string, error: unknown) => void;
  /**
   * Answer plain tRPC GET queries straight on the node request (direct-trpc-query.ts) rather than
   * through tRPC's fetch adapter; default true. Both give the same answers: false is for comparing them.
   */
  readonly directTrpcQueries?: boolean;
}

export interface RunningHttpServer {
  readonly server: Server;
  /** Base URL of the bound server, e.g. "http://127.0.0.1:41234". */
  readonly url: string;
  readonly exposure: Exposure;
  /** The better-auth instance serving /api/auth (its `api` can create users server-side). */
  readonly auth: Auth;
  /** From now on, requests outside /api and /healthz go to `handler` (before: 404). */
  servePages(handler: NodePageHandler): void;
  /** Stops accepting connections, lets requests in flight finish (up to `graceMs`), then closes. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Binds a node:http server and serves the API on it. better-auth is created once the port is
 * known, because its base URL (the origin it trusts for cookies) includes the port.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const host = options.host ?? "127.0.0.1";
  const exposure = exposureOf(host);
  let handle: ((request: Request) => Promise<Response>) | undefined;
  let directQuery: DirectTrpcQueryHandler | undefined;
  let pages: NodePageHandler | undefined;
  let origin = "";

  const server = createServer((incoming, outgoing) => {
    if (pages !== undefined && isPagePath(incoming.url)) {
      void servePage(pages, incoming, outgoing, options.logError);
      return;
    }
    void serveNodeRequest(incoming, outgoing, origin, handle, directQuery, options.logError);
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
  origin = new URL(url).origin;
  const auth = createAuth(options.db, {
    secret: options.authSecret,
    baseURL: url,
    trustedOrigins: options.trustedOrigins ?? [],
    rateLimit: options.authRateLimit ?? true,
  });
  handle = createApiRequestHandler({
    db: options.db,
    auth,
    exposure,
    trustedOrigins: [origin, ...(options.trustedOrigins ?? [])],
    ...(options.artifactHandler === undefined ? {} : { artifactHandler: options.artifactHandler }),
    ...(options.logError === undefined ? {} : { logError: options.logError }),
  });
  if (options.directTrpcQueries ?? true) {
    directQuery = createDirectTrpcQueryHandler({
      db: options.db,
      auth,
      exposure,
      logError: options.logError ?? ((message, error) => console.error(message, error)),
    });
  }

  return {
    server,
    url,
    exposure,
    auth,
    servePages: (handler) => {
      pages = handler;
    },
    close: (graceMs = 5_000) => closeServer(server, graceMs),
  };
}

/** Everything but the API's own paths belongs to the pages (the dashboard). */
function isPagePath(target: string | undefined): boolean {
  const path = (target ?? "/").split("?", 1)[0]!;
  return !(path === "/healthz" || path === "/api" || path.startsWith("/api/"));
}

async function servePage(
  pages: NodePageHandler,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  logError = (message: string, error: unknown) => console.error(message, error),
): Promise<void> {
  try {
    await pages(incoming, outgoing);
  } catch (error) {
    logError(`${incoming.method} ${incoming.url} (page) failed`, error);
    if (!outgoing.headersSent) {
      outgoing.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      outgoing.end("The dashboard failed to render this page; the server log has the details.");
    } else {
      outgoing.destroy();
    }
  }
}

async function serveNodeRequest(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  origin: string,
  handle: ((request: Request) => Promise<Response>) | undefined,
  directQuery: DirectTrpcQueryHandler | undefined,
  logError = (message: string, error: unknown) => console.error(message, error),
): Promise<void> {
  try {
    if (handle === undefined) {
      outgoing.writeHead(503, { "content-type": "application/json", "retry-after": "1" });
      outgoing.end(JSON.stringify({ error: { code: "UNAVAILABLE", message: "the server is starting" } }));
      return;
    }
    if (directQuery !== undefined && (await directQuery(incoming, outgoing))) return;
    const aborter = new AbortController();
    outgoing.once("close", () => {
      if (!outgoing.writableFinished) aborter.abort();
    });
    const request = toFetchRequest(incoming, {
      origin,
      signal: aborter.signal,
      trustedHeaders: { [CLIENT_ADDRESS_HEADER]: incoming.socket.remoteAddress ?? "" },
    });
    await sendFetchResponse(await handle(request), outgoing);
    discardUnreadBody(incoming);
  } catch (error) {
    logError(`${incoming.method} ${incoming.url} failed while streaming`, error);
    if (!outgoing.headersSent) {
      outgoing.writeHead(500, { "content-type": "application/json" });
      outgoing.end(JSON.stringify({ error: { code: "INTERNAL", message: "an internal error occurred" } }));
    } else {
      outgoing.destroy();
    }
  }
}

function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    // Keep-alive connections would hold close() open forever; in-flight requests get `graceMs`.
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    force.unref();
    server.close((error) => {
      clearTimeout(force);
      if (error) reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}

function trimSlash(url: string): string {
  return url.endsWith("/") ? url.slice(0, -1) : url;
}
