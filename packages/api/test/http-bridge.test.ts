import { createHash, randomBytes } from "node:crypto";
import { Agent, request as httpRequest } from "node:http";
import { describe, expect, it } from "vitest";
import { cookieFrom } from "./sign-in.js";
import { createTestDatabase } from "./test-database.js";
import { startTestServer } from "./test-server.js";

const { db } = createTestDatabase();
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

// Stands in for the artifact routes: /api/artifacts/echo-hash hashes the streamed body,
// /api/artifacts/refuse answers 413 after reading one chunk, /api/artifacts/download streams 8 MiB back.
const download = randomBytes(8 * 1024 * 1024);
const server = await startTestServer(db, {
  artifactHandler: async (request) => {
    const path = new URL(request.url).pathname;
    if (path.endsWith("/echo-hash")) {
      const hash = createHash("sha256");
      let chunks = 0;
      for await (const chunk of request.body!) {
        hash.update(chunk);
        chunks++;
      }
      return Response.json({ sha256: hash.digest("hex"), chunks });
    }
    if (path.endsWith("/refuse")) {
      // Like a size limit hit mid-upload: read a little, then answer without reading the rest.
      const reader = request.body!.getReader();
      await reader.read();
      reader.releaseLock();
      return Response.json({ error: { code: "PAYLOAD_TOO_LARGE" } }, { status: 413 });
    }
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= download.length) return controller.close();
        controller.enqueue(download.subarray(offset, offset + 64 * 1024));
        offset += 64 * 1024;
      },
    });
    return new Response(body, { headers: { "content-type": "application/octet-stream" } });
  },
});
const ownerCookie = cookieFrom(
  await server.auth.api.signUpEmail({
    body: { email: "bridge@example.test", password: "bridge-password", name: "B" },
    asResponse: true,
  }),
);

/** One request through a keep-alive agent; resolves with status and body. */
function send(agent: Agent, path: string, body?: Buffer): Promise<{ status: number; body: string; socket: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${server.url}${path}`, { method: body ? "POST" : "GET", agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString(), socket: req.socket }),
      );
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("the node <-> fetch bridge", () => {
  it("streams a large upload to the handler in chunks", async () => {
    const upload = randomBytes(6 * 1024 * 1024);
    const response = await fetch(`${server.url}/api/artifacts/echo-hash`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: upload,
    });
    const result = (await response.json()) as { sha256: string; chunks: number };
    expect(result.sha256).toBe(sha256(upload));
    expect(result.chunks).toBeGreaterThan(1);
  });

  it("streams a large response body back intact", async () => {
    const response = await fetch(`${server.url}/api/artifacts/download`);
    expect(response.headers.get("content-type")).toBe("application/octet-stream");
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(download));
  });

  it("answers an upload refused part-way, and the keep-alive connection keeps working", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const refused = await send(agent, "/api/artifacts/refuse", randomBytes(4 * 1024 * 1024));
      expect(refused.status).toBe(413);
      const next = await send(agent, "/healthz");
      expect(next).toMatchObject({ status: 200, body: '{"ok":true}' });
      expect(next.socket).toBe(refused.socket);
    } finally {
      agent.destroy();
    }
  });

  it("passes every Set-Cookie header through separately", async () => {
    const response = await fetch(`${server.url}/api/auth/sign-out`, {
      method: "POST",
      headers: { cookie: ownerCookie, "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(200);
    // better-auth clears the session token and its companion cookies, one header each.
    const cookies = response.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThanOrEqual(1);
    for (const cookie of cookies) expect(cookie).toMatch(/^[\w.-]+=[^,]*;/);
  });

  it("keeps its own origin whatever the request target says", async () => {
    const agent = new Agent({ keepAlive: false });
    try {
      // "//evil.example/..." would resolve to another host if it were treated as a relative URL.
      const response = await send(agent, "//evil.example/api/artifacts/echo-hash", Buffer.from("x"));
      expect(response.status).toBe(404);
      expect(JSON.parse(response.body).error.message).toBe("no route for POST //evil.example/api/artifacts/echo-hash");
    } finally {
      agent.destroy();
    }
  });

  it("answers unknown paths with a JSON 404", async () => {
    const response = await fetch(`${server.url}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "NOT_FOUND", message: "no route for GET /nope" } });
  });
});
