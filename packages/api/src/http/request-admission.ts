import { isIP } from "node:net";
import type { Actor } from "../access/actor.js";
import { AppError } from "../errors/app-error.js";

/**
 * THE RULE for who may reach the server at all (before any procedure checks roles):
 *
 * - Bound to a loopback address (127.0.0.0/8, ::1, "localhost"): only people and programs on this
 *   machine can connect, so anonymous requests are let through to the routes, where every
 *   procedure except health checks still demands a signed-in user or a token.
 * - Bound to any other address (0.0.0.0, ::, a LAN or public IP, a host name): the server is
 *   reachable by others, and an anonymous request gets 401 at the door for everything except
 *   GET /healthz, POST /api/auth/sign-in/email and POST /api/auth/sign-up/email. So a route added
 *   later that forgets its own check still cannot be reached without credentials.
 *
 * Credentials that are presented but wrong (unknown or revoked token, malformed Authorization
 * header) are refused with 401 on every address.
 */
export type Exposure = "loopback" | "network";

/** Whether binding to `host` keeps the server reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === "localhost") return true;
  const family = isIP(bare);
  if (family === 4) return bare.startsWith("127.");
  if (family === 6) {
    const lower = bare.toLowerCase();
    return lower === "::1" || lower === "0:0:0:0:0:0:0:1" || /^::ffff:127\./.test(lower);
  }
  return false;
}

export function exposureOf(host: string): Exposure {
  return isLoopbackHost(host) ? "loopback" : "network";
}

const OPEN_ROUTES: ReadonlyArray<{ readonly method: string; readonly path: string }> = [
  { method: "GET", path: "/healthz" },
  { method: "HEAD", path: "/healthz" },
  { method: "POST", path: "/api/auth/sign-in/email" },
  { method: "POST", path: "/api/auth/sign-up/email" },
];

/** Routes an anonymous caller may use on a network-exposed server. */
export function isOpenToAnonymous(method: string, pathname: string): boolean {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  return OPEN_ROUTES.some((route) => route.method === method.toUpperCase() && route.path === path);
}

/** null when the request may proceed to its route; otherwise the error to answer with (401). */
export function admitRequest(request: {
  readonly exposure: Exposure;
  readonly actor: Actor;
  readonly method: string;
  readonly pathname: string;
}): AppError | null {
  if (request.exposure === "loopback" || request.actor.kind !== "anonymous") return null;
  if (isOpenToAnonymous(request.method, request.pathname)) return null;
  return new AppError(
    "UNAUTHORIZED",
    "this server is reachable from the network and needs credentials: sign in, or send 'Authorization: Bearer <API token>'",
  );
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Cross-site request forgery guard for requests authenticated by the session cookie (bearer tokens
 * are never sent by a browser on its own): a state-changing request whose Origin is not the
 * server's or a trusted one is refused. SameSite=Lax cookies already stop other sites; this also
 * stops other ports of the same host (a page on localhost:3000 is "same-site" with localhost:4100).
 * A cookie request without Origin passes only with `Sec-Fetch-Site: same-origin`: browsers send
 * Origin on every cross-origin state change, but a missing Origin cannot be told apart from an old
 * browser, a proxy that strips it or a form on a page of another port, so it is refused.
 */
export function checkCookieOrigin(
  request: Request,
  trustedOrigins: ReadonlySet<string>,
  hint?: string,
): AppError | null {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return null;
  if (request.headers.has("authorization") || !request.headers.has("cookie")) return null;
  const origin = request.headers.get("origin");
  if (origin === null) {
    if (request.headers.get("sec-fetch-site") === "same-origin") return null;
    return new AppError(
      "FORBIDDEN",
      "a change authenticated by the session cookie must say where it comes from: send an Origin header with the server's origin, or use an API token (Authorization: Bearer dw_...)",
    );
  }
  if (trustedOrigins.has(origin)) return null;
  return untrustedOrigin(origin, hint);
}

/**
 * Sign-in and sign-up (POST /api/auth/*) sent by a page of another origin: better-auth lets them
 * through when no cookie comes along, which signs a visitor in as someone else (login CSRF), and
 * otherwise answers INVALID_ORIGIN without saying what to configure. Refused here, with `hint`.
 * Programs (no Origin header) are not affected.
 */
export function checkSignInOrigin(
  request: Request,
  trustedOrigins: ReadonlySet<string>,
  hint: string | undefined,
): AppError | null {
  if (request.method.toUpperCase() !== "POST") return null;
  const origin = request.headers.get("origin");
  if (origin === null || trustedOrigins.has(origin)) return null;
  return untrustedOrigin(origin, hint);
}

function untrustedOrigin(origin: string, hint: string | undefined): AppError {
  return new AppError(
    "FORBIDDEN",
    `requests from ${origin} are not accepted by this server (untrusted origin)${hint === undefined ? "" : `; ${hint}`}`,
  );
}
