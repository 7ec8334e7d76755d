import { request as httpRequest } from "node:http";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "./test-database.js";
import { startTestServer } from "./test-server.js";

// How the server writes a handler's fetch Response to the socket (node-fetch-bridge.ts): a whole
// answer in one piece with its length, a stream chunk by chunk, and a stream whose client left
// is cancelled rather than produced into the void.

const { db } = createTestDatabase();

let cancelledWith: unknown = "not cancelled";
let chunksProduced = 0;
const server = await startTestServer(db, {
  artifactHandler: async (request) => {
    const path = new URL(request.url).pathname;
    if (path.endsWith("/whole")) return Response.json({ answer: "x".repeat(10_000) });
    if (path.endsWith("/empty")) return new Response("", { status: 200 });
    // An endless stream, one 16 KiB chunk per pull, as a slow export or a large file would be.
    return new Response(
      new ReadableStream<Uint8Array>({
        async pull(controller) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          chunksProduced++;
          controller.enqueue(new Uint8Array(16 * 1024).fill(65));
        },
        cancel(reason) {
          cancelledWith = reason;
        },
      }),
      { headers: { "content-type": "application/octet-stream" } },
    );
  },
});

describe("writing responses", () => {
  it("sends a whole answer in one piece with its Content-Length", async () => {
    const response = await fetch(`${server.url}/api/artifacts/whole`);
    const body = await response.text();
    expect(response.headers.get("content-length")).toBe(String(Buffer.byteLength(body)));
    expect(response.headers.get("transfer-encoding")).toBeNull();
    expect(JSON.parse(body).answer).toHaveLength(10_000);

    const trpc = await fetch(`${server.url}/api/trpc/project.list?input=${encodeURIComponent("{}")}`);
    expect(trpc.headers.get("content-length")).toBe(String(Buffer.byteLength(await trpc.text())));

    const empty = await fetch(`${server.url}/api/artifacts/empty`);
    expect(await empty.text()).toBe("");
  });

  it("cancels a streamed body when the client goes away, and keeps serving", async () => {
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${server.url}/api/artifacts/endless`, (res) => {
        let received = 0;
        res.on("data", (chunk: Buffer) => {
          received += chunk.length;
          // Streamed chunk by chunk: the client sees data long before the body ends.
          if (received > 64 * 1024) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on("error", (error) => ((error as NodeJS.ErrnoException).code === "ECONNRESET" ? undefined : reject(error)));
      req.end();
    });
    await expect.poll(() => cancelledWith, { timeout: 5_000 }).not.toBe("not cancelled");
    const producedWhenCancelled = chunksProduced;
    await new Promise((resolve) => setTimeout(resolve, 100));
    // At most the pull already in flight finishes after the cancel.
    expect(chunksProduced - producedWhenCancelled).toBeLessThanOrEqual(1);

    const health = await fetch(`${server.url}/healthz`);
    expect(await health.json()).toEqual({ ok: true });
  });
});
