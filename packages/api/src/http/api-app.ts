import type { IncomingMessage, ServerResponse } from "node:http";
import type { ExperimentLimits } from "@deadweight/experiment-config";
import type { HttpBindings } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Actor } from "../access/actor.js";
import type { Auth } from "../auth/create-auth.js";
import { resolveActor } from "../auth/resolve-actor.js";
import { checkSignUpAllowed, type SignUpPolicy } from "../domain/sign-up/sign-up-policy.js";
import { AppError } from "../errors/app-error.js";
import { asAppError, toTrpcError } from "../errors/error-mapping.js";
import { appRouter } from "../root.js";
import type { Store } from "../store/store.js";
import { handleArtifactRequest } from "./artifact-routes.js";
import { handleDatasetRequest } from "./dataset-routes.js";
import { errorResponse } from "./error-response.js";
import { answerHotQuery } from "./hot-queries.js";
import { admitRequest, checkCookieOrigin, checkSignInOrigin, type Exposure } from "./request-admission.js";

/**
 * Serves every request outside /api and /healthz (the dashboard's pages and assets), on the raw
 * node request so a framework's own server (Next.js) can handle it.
 */
export type NodePageHandler = (incoming: IncomingMessage, outgoing: ServerResponse) => Promise<void>;

export interface ApiAppOptions {
  readonly store: Store;
  readonly auth: Auth;
  readonly exposure: Exposure;
  /** Origins whose cookie-authenticated state-changing requests are accepted (the server's own included). */
  readonly trustedOrigins: readonly string[];
  /**
   * Also trust the origin of the Host header each request came with (a server bound to every
   * interface, reached under several names). Off by default: with it, a DNS-rebinding page on a
   * name that resolves to this server is "same origin".
   */
  readonly trustHostOrigin?: boolean;
  /**
   * Set when the server cannot know the origin browsers use (bound to every interface, no public
   * URL): what the operator should do, said beside every refused origin, sign-in's included.
   */
  readonly untrustedOriginHint?: string;
  /** Artifact uploads above this are refused with 413. */
  readonly maxArtifactUploadBytes: number;
  /** tRPC and sign-in request bodies above this are refused with 413 (people, user tokens, anonymous). */
  readonly maxRequestBodyBytes: number;
  /** The same limit for worker tokens, whose results reports carry a whole sweep. */
  readonly maxWorkerRequestBodyBytes: number;
  /** Who may create an account over HTTP (see domain/sign-up/sign-up-policy.ts). */
  readonly signUpPolicy: SignUpPolicy;
  /** The page handler, when one is being served (asked per request: the dashboard starts after the API). */
  readonly pages?: () => NodePageHandler | undefined;
  /** What one experiment may ask for; default DEFAULT_EXPERIMENT_LIMITS. */
  readonly experimentLimits?: ExperimentLimits;
  /** Aborted when the server shuts down: ends live subscriptions so they do not hold it up. */
  readonly shutdown?: AbortSignal;
  /** Where unexpected failures are reported (their details never reach the client). */
  readonly logError: (message: string, error: unknown) => void;
}

interface ApiEnv {
  Bindings: HttpBindings;
  Variables: { actor: Actor; refusal: AppError | null };
}

/**
 * The whole platform's HTTP surface as one Hono app: /healthz; /api/auth/* (better-auth);
 * /api/trpc/* (tRPC's fetch adapter, batched requests too); /api/artifacts* (artifact bytes);
 * everything else to the dashboard's pages. The caller is resolved once per /api request and the
 * admission rule of request-admission.ts applied before any route runs.
 */
export function createApiApp(options: ApiAppOptions): Hono<ApiEnv> {
  const { store, auth, logError } = options;
  const configuredOrigins = new Set(options.trustedOrigins);
  const trustedOriginsOf = (request: Request): ReadonlySet<string> =>
    options.trustHostOrigin === true ? new Set([...configuredOrigins, new URL(request.url).origin]) : configuredOrigins;
  const app = new Hono<ApiEnv>();

  app.use("*", async (c, next) => {
    await next();
    // Pages set their own headers (servePage).
    if (c.res === RESPONSE_ALREADY_SENT) return;
    // Every answer is what its content-type says: no browser guesses HTML out of a JSON error or an artifact.
    try {
      c.res.headers.set("x-content-type-options", "nosniff");
    } catch {
      // A response with immutable headers (one passed through from fetch) is copied.
      const headers = new Headers(c.res.headers);
      headers.set("x-content-type-options", "nosniff");
      c.res = new Response(c.res.body, { status: c.res.status, statusText: c.res.statusText, headers });
    }
  });

  app.get("/healthz", (c) => c.json({ ok: true }));

  app.use("*", async (c, next) => {
    const request = c.req.raw;
    const pathname = c.req.path;
    // Pages are the dashboard's to answer (they send people without a session to sign in).
    if (!isApiPath(pathname) && options.pages?.() !== undefined) return next();
    try {
      const actor = await resolveActor(request.headers, { store, auth });
      c.set("actor", actor);
      c.set(
        "refusal",
        admitRequest({ exposure: options.exposure, actor, method: request.method, pathname }) ??
          (pathname.startsWith("/api/auth/")
            ? checkSignInOrigin(request, trustedOriginsOf(request), options.untrustedOriginHint)
            : checkCookieOrigin(request, trustedOriginsOf(request), options.untrustedOriginHint)),
      );
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      c.set("actor", { kind: "anonymous" });
      c.set("refusal", error);
    }
    await next();
  });

  // Bodies of tRPC and sign-in requests are limited before anything reads them: by Content-Length at
  // once, or counted while a chunked body streams in (hono/body-limit); artifact uploads have their own.
  app.use("/api/*", async (c, next) => {
    const pathname = c.req.path;
    const limited = pathname === "/api/trpc" || pathname.startsWith("/api/trpc/") || pathname.startsWith("/api/auth/");
    if (!limited || c.get("refusal") !== null) return next();
    const maxSize = c.get("actor").kind === "worker" ? options.maxWorkerRequestBodyBytes : options.maxRequestBodyBytes;
    return bodyLimit({
      maxSize,
      onError: async (c) => {
        const refusal = new AppError(
          "PAYLOAD_TOO_LARGE",
          `the request body is larger than this server accepts (${maxSize} bytes); send less per request, or raise the limit (DEADWEIGHT_MAX_REQUEST_BYTES, or DEADWEIGHT_MAX_WORKER_REQUEST_BYTES for worker tokens)`,
        );
        if (pathname.startsWith("/api/auth/")) return errorResponse(refusal);
        // Through tRPC, without the body, so tRPC clients get the refusal in their own shape.
        c.set("refusal", refusal);
        c.req.raw = withoutBody(c.req.raw);
        await next();
        return c.res;
      },
    })(c, next);
  });

  const trpc = (c: Context<ApiEnv>) =>
    fetchRequestHandler({
      endpoint: "/api/trpc",
      req: c.req.raw,
      router: appRouter,
      // Refusals go through tRPC too, so tRPC clients get them in the shape they understand.
      createContext: () => {
        const refusal = c.get("refusal");
        if (refusal !== null) throw toTrpcError(refusal);
        return {
          store,
          actor: c.get("actor"),
          ...(options.experimentLimits === undefined ? {} : { limits: options.experimentLimits }),
          ...(options.shutdown === undefined ? {} : { shutdown: options.shutdown }),
        };
      },
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR") logError(`tRPC ${path ?? "(unknown path)"} failed`, error);
      },
    });
  // The hot reads: see hot-queries.ts for why, and the measurement.
  app.get("/api/trpc/:path", async (c) => {
    if (c.get("refusal") !== null) return trpc(c);
    const answer = await answerHotQuery(c.req.param("path"), new URL(c.req.url), { store, actor: c.get("actor") });
    return answer ?? trpc(c);
  });
  app.all("/api/trpc", trpc);
  app.all("/api/trpc/*", trpc);

  app.all("/api/auth/*", async (c) => {
    const refusal = c.get("refusal");
    if (refusal !== null) return errorResponse(refusal);
    if (isSignUp(c.req.method, c.req.path)) {
      const body = (await c.req.raw
        .clone()
        .json()
        .catch(() => null)) as { email?: unknown } | null;
      const refused = await checkSignUpAllowed(store, options.signUpPolicy, body?.email);
      if (refused !== null) return errorResponse(refused);
    }
    return auth.handler(c.req.raw);
  });

  const artifacts = (c: Context<ApiEnv>) => {
    const refusal = c.get("refusal");
    if (refusal !== null) return errorResponse(refusal);
    return handleArtifactRequest(c.req.raw, {
      store,
      actor: c.get("actor"),
      maxUploadBytes: options.maxArtifactUploadBytes,
    });
  };
  app.all("/api/artifacts", artifacts);
  app.all("/api/artifacts/*", artifacts);

  const datasets = (c: Context<ApiEnv>) => {
    const refusal = c.get("refusal");
    if (refusal !== null) return errorResponse(refusal);
    return handleDatasetRequest(c.req.raw, {
      store,
      actor: c.get("actor"),
      maxUploadBytes: options.maxArtifactUploadBytes,
      logError,
    });
  };
  app.all("/api/datasets", datasets);
  app.all("/api/datasets/*", datasets);

  app.all("/api/*", (c) => {
    const refusal = c.get("refusal");
    return errorResponse(refusal ?? new AppError("NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`));
  });

  app.all("*", async (c) => {
    const pages = options.pages?.();
    if (pages === undefined) {
      return errorResponse(c.get("refusal") ?? new AppError("NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`));
    }
    await servePage(pages, c.env.incoming, c.env.outgoing, logError);
    return RESPONSE_ALREADY_SENT;
  });

  app.onError((error, c) => {
    if (!(error instanceof AppError)) logError(`${c.req.method} ${c.req.path} failed`, error);
    return errorResponse(asAppError(error));
  });
  return app;
}

/** better-auth's sign-up (email and password is the only kind this server turns on). */
function isSignUp(method: string, pathname: string): boolean {
  const path = pathname
    .replace(/\/{2,}/g, "/")
    .replace(/\/+$/, "")
    .toLowerCase();
  return method.toUpperCase() === "POST" && path === "/api/auth/sign-up/email";
}

/** The same request with no body (and no header claiming one). */
function withoutBody(request: Request): Request {
  const headers = new Headers(request.headers);
  headers.delete("content-length");
  headers.delete("transfer-encoding");
  return new Request(request.url, { method: request.method, headers, signal: request.signal });
}

/** The API's own paths; everything else belongs to the pages. */
function isApiPath(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}

/**
 * What every page carries. The dashboard is Next.js: its production pages need inline scripts (the
 * flight data, `self.__next_f.push(...)`) and Mantine inline styles; charts draw on canvas and may
 * export images as data:/blob: URLs. Nothing is loaded from another origin, and no other site may
 * frame the pages (clickjacking).
 */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": [
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; "),
  "x-frame-options": "DENY",
  "referrer-policy": "strict-origin-when-cross-origin",
  "x-content-type-options": "nosniff",
};

async function servePage(
  pages: NodePageHandler,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  logError: (message: string, error: unknown) => void,
): Promise<void> {
  for (const [name, value] of Object.entries(PAGE_SECURITY_HEADERS)) outgoing.setHeader(name, value);
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
