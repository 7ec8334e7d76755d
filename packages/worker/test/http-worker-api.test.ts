import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpWorkerApi } from "../src/api/http-worker-api.js";

// A stand-in server that fails the first requests with 503 (a server restarting), then answers as tRPC does.
let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

async function flakyServer(failures: number) {
  const paths: string[] = [];
  server = createServer((request, response) => {
    paths.push(request.url ?? "");
    request.resume();
    request.on("end", () => {
      if (paths.length <= failures) {
        response.writeHead(503, { "content-type": "application/json" });
        response.end(
          JSON.stringify({ error: { message: "the server is starting", code: -32603, data: { httpStatus: 503 } } }),
        );
        return;
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ result: { data: null } }));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Waits between tries are recorded, not waited.
  const pauses: number[] = [];
  const pause = async (ms: number) => {
    pauses.push(ms);
  };
  return { paths, pauses, api: createHttpWorkerApi({ serverUrl: url, token: "dw_test" }, { pause }) };
}

describe("createHttpWorkerApi", () => {
  it("tries an idempotent report again after a passing failure", async () => {
    const { paths, pauses, api } = await flakyServer(2);
    await api.finish({ runId: "r1", attempt: 1, outcome: "succeeded" });
    expect(paths).toEqual(["/api/trpc/worker.finish", "/api/trpc/worker.finish", "/api/trpc/worker.finish"]);
    expect(pauses).toEqual([500, 1_500]);
  });

  it("gives up after three tries with the server's answer", async () => {
    const { paths, api } = await flakyServer(5);
    await expect(api.completeStage({ runId: "r1", attempt: 1, stage: "load", seconds: 1 })).rejects.toMatchObject({
      kind: "server",
      status: 503,
    });
    expect(paths).toHaveLength(3);
  });

  it("never repeats a claim: a lost answer would leave a run leased to nobody", async () => {
    const { paths, api } = await flakyServer(1);
    await expect(api.claim({ workerName: "w" })).rejects.toMatchObject({ kind: "server" });
    expect(paths).toEqual(["/api/trpc/worker.claim"]);
  });
});
