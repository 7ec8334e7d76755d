import { randomBytes } from "node:crypto";
import type { Db } from "@deadweight/db";
import { createTRPCClient, httpLink } from "@trpc/client";
import { afterAll } from "vitest";
import { type HttpServerOptions, type RunningHttpServer, startHttpServer } from "../src/http/create-http-server.js";
import type { AppRouter } from "../src/root.js";

/** The real HTTP server on 127.0.0.1 and a free port over a test database, closed after the test file. */
export async function startTestServer(
  db: Db,
  options: Partial<Omit<HttpServerOptions, "db">> = {},
): Promise<RunningHttpServer> {
  const server = await startHttpServer({
    db,
    authSecret: randomBytes(32).toString("base64url"),
    host: "127.0.0.1",
    port: 0,
    logError: () => {},
    ...options,
  });
  afterAll(() => server.close(0));
  return server;
}

/** A tRPC client over HTTP sending the given headers (a session cookie or a bearer token). */
export function apiClient(url: string, headers: Record<string, string> = {}) {
  return createTRPCClient<AppRouter>({ links: [httpLink({ url: `${url}/api/trpc`, headers })] });
}
