import { randomBytes } from "node:crypto";
import { createTRPCClient, httpLink } from "@trpc/client";
import { afterAll } from "vitest";
import { type HttpServerOptions, type RunningHttpServer, startHttpServer } from "../src/http/start-http-server.js";
import type { AppRouter } from "../src/root.js";
import type { Store } from "../src/store/store.js";

/** The real HTTP server on 127.0.0.1 and a free port over a test database, closed after the test file. */
export async function startTestServer(
  store: Store,
  options: Partial<Omit<HttpServerOptions, "store">> = {},
): Promise<RunningHttpServer> {
  const server = await startHttpServer({
    store,
    authSecret: randomBytes(32).toString("base64url"),
    host: "127.0.0.1",
    port: 0,
    logError: () => {},
    ...options,
  });
  afterAll(() => server.close(0));
  return server;
}

/**
 * A tRPC client over HTTP sending the given headers (a session cookie or a bearer token) and, as a
 * browser on the server's own pages does, the server's Origin (a header given here replaces it).
 */
export function apiClient(url: string, headers: Record<string, string> = {}) {
  const withOrigin = { origin: new URL(url).origin, ...headers };
  return createTRPCClient<AppRouter>({ links: [httpLink({ url: `${url}/api/trpc`, headers: withOrigin })] });
}
