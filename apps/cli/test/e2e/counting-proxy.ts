import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll } from "vitest";

/**
 * A real HTTP proxy in front of a server: it forwards every request (event streams included, as
 * they flow), counts the requests by path (for tRPC, the procedure: "/api/trpc/run.get"), and can
 * cut every open connection at once, as a network failure would.
 */
export interface CountingProxy {
  readonly url: string;
  /** How many requests reached each path so far. */
  count(path: string): number;
  /** Drops every open connection (client and server side) without an answer. */
  cutConnections(): void;
}

export async function startCountingProxy(targetUrl: string): Promise<CountingProxy> {
  const target = new URL(targetUrl);
  const counts = new Map<string, number>();
  const server = createServer((incoming, outgoing) => {
    const path = new URL(incoming.url ?? "/", target).pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const forwarded = request(
      {
        hostname: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: target.host },
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on("error", () => outgoing.destroy());
    outgoing.on("close", () => forwarded.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    count: (path) => counts.get(path) ?? 0,
    cutConnections: () => server.closeAllConnections(),
  };
}
