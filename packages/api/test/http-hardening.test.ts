import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { PAGE_SECURITY_HEADERS } from "../src/http/api-app.js";
import { createTestDatabase } from "./test-database.js";
import { startTestServer } from "./test-server.js";

const { store } = await createTestDatabase();
const server = await startTestServer(store);
server.servePages(async (_incoming, outgoing) => {
  outgoing.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  outgoing.end("<!doctype html><title>Deadweight</title>");
});

/** Sends `head` as is on a raw socket and returns the status line and headers of the answer. */
function rawRequest(head: string): Promise<{ statusLine: string; headers: string; body: string }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const parts: Buffer[] = [];
    socket.on("data", (part) => parts.push(part));
    socket.on("error", reject);
    socket.on("end", () => {
      const text = Buffer.concat(parts).toString("utf8");
      const [head = "", body = ""] = text.split("\r\n\r\n");
      const [statusLine = "", ...headers] = head.split("\r\n");
      resolve({ statusLine, headers: headers.join("\n").toLowerCase(), body });
    });
    socket.write(head);
  });
}

describe("request targets", () => {
  it("answers 400 to an absolute-form target instead of serving or redirecting to that host", async () => {
    for (const path of ["/api/artifacts/x", "/runs", "/api/trpc/team.me"]) {
      const answer = await rawRequest(
        `GET http://evil.example${path} HTTP/1.1\r\nHost: ${new URL(server.url).host}\r\nConnection: close\r\n\r\n`,
      );
      expect(answer.statusLine, path).toBe("HTTP/1.1 400 Bad Request");
      expect(answer.headers).not.toMatch(/^location:/m);
      expect(JSON.parse(answer.body)).toEqual({
        error: {
          code: "BAD_REQUEST",
          message: expect.stringMatching(/must be a path starting with "\/".*not a proxy/),
        },
      });
    }
  });

  it("still serves an origin-form target on the same connection kind", async () => {
    const answer = await rawRequest(
      `GET /healthz HTTP/1.1\r\nHost: ${new URL(server.url).host}\r\nConnection: close\r\n\r\n`,
    );
    expect(answer.statusLine).toBe("HTTP/1.1 200 OK");
  });
});

describe("security headers", () => {
  it("gives pages a content security policy, no framing, a referrer policy and nosniff", async () => {
    const page = await fetch(`${server.url}/runs`);
    expect(page.status).toBe(200);
    const csp = page.headers.get("content-security-policy") ?? "";
    for (const directive of [
      "default-src 'self'",
      "frame-ancestors 'none'",
      "object-src 'none'",
      "base-uri 'self'",
      "connect-src 'self'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toMatch(/unsafe-eval|\*/);
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(page.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    // What the dashboard's host sends is what this module declares (the dev mode only widens script-src).
    expect(csp).toBe(PAGE_SECURITY_HEADERS["content-security-policy"]);
  });

  it("marks every API answer nosniff, errors included", async () => {
    const answers = await Promise.all([
      fetch(`${server.url}/healthz`),
      fetch(`${server.url}/api/trpc/team.me`),
      fetch(`${server.url}/api/auth/get-session`),
      fetch(`${server.url}/api/artifacts/no-such-artifact`),
      fetch(`${server.url}/api/no-such-route`),
    ]);
    for (const answer of answers) {
      expect(answer.headers.get("x-content-type-options"), answer.url).toBe("nosniff");
      // Pages' policy is for HTML: API answers do not need it.
      expect(answer.headers.get("x-frame-options"), answer.url).toBeNull();
    }
  });
});
