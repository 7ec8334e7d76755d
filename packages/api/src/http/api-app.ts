import type { IncomingMessage, ServerResponse } from "node:http";
import type { HttpBindings } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { type Context, Hono } from "hono";
import type { Actor } from "../access/actor.js";
import type { Auth } from "../auth/create-auth.js";
import { resolveActor } from "../auth/resolve-actor.js";
import { AppError } from "../errors/app-error.js";
import { asAppError, httpStatusOf, toTrpcError } from "../errors/error-mapping.js";
import { appRouter } from "../root.js";
import type { Store } from "../store/store.js";
import { handleArtifactRequest } from "./artifact-routes.js";
import { answerHotQuery } from "./hot-queries.js";
import { admitRequest, checkCookieOrigin, type Exposure } from "./request-admission.js";

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
  /** Artifact uploads above this are refused with 413. */
  readonly maxArtifactUploadBytes: number;
  /** The page handler, when one is being served (asked per request: the dashboard starts after the API). */
  readonly pages?: () => NodePageHandler | undefined;
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
  const trustedOrigins = new Set(options.trustedOrigins);
  const app = new Hono<ApiEnv>();

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
          (pathname.startsWith("/api/auth/") ? null : checkCookieOrigin(request, trustedOrigins)),
      );
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      c.set("actor", { kind: "anonymous" });
      c.set("refusal", error);
    }
    await next();
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
        return { store, actor: c.get("actor") };
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

  app.all("/api/auth/*", (c) => {
    const refusal = c.get("refusal");
    return refusal === null ? auth.handler(c.req.raw) : errorResponse(refusal);
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

/** The API's own paths; everything else belongs to the pages. */
function isApiPath(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}

async function servePage(
  pages: NodePageHandler,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  logError: (message: string, error: unknown) => void,
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

/** The body every non-tRPC error gets: `{ error: { code, message, field? } }`. */
export function errorResponse(error: AppError): Response {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (error.code === "UNAUTHORIZED") headers["www-authenticate"] = 'Bearer realm="deadweight"';
  const body = { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } };
  return new Response(JSON.stringify(body), { status: httpStatusOf(error), headers });
}
