import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpWorkerApi } from "../src/api/http-worker-api.js";
import type { WorkerApi } from "../src/api/worker-api.js";
import { sha256Hex } from "../src/artifacts/artifact-transfer.js";

// Which replica each call goes to, over real sockets on 127.0.0.1: a port nobody listens on
// (connection refused), a proxy whose server is gone (503 error page), a replica that reads the
// request and hangs up (the answer is lost), and replicas that answer as the API does.

interface Replica {
  readonly url: string;
  /** "POST /api/trpc/worker.finish", ... in the order they arrived. */
  readonly requests: string[];
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(handle: (request: IncomingMessage, response: ServerResponse, body: Buffer) => void) {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      requests.push(`${request.method} ${request.url?.split("?")[0]}`);
      handle(request, response, Buffer.concat(chunks));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

/** A port that was free a moment ago: bound, then released, so connecting to it is refused. */
async function refusing(): Promise<Replica> {
  const { server, url } = await listen(() => {});
  servers.pop();
  await new Promise((resolve) => server.close(resolve));
  return { url, requests: [] };
}

/** A proxy in front of a replica that is down: an HTML 503 page for every request. */
function proxyOfDeadReplica(): Promise<Replica> {
  return listen((_request, response) => {
    response.writeHead(503, { "content-type": "text/html" });
    response.end("<html><body><h1>503 Service Unavailable</h1>No server is available.</body></html>");
  });
}

/** A replica that dies with the request in hand: it reads it, then drops the connection unanswered. */
function hangingUp(): Promise<Replica> {
  return listen((request) => request.socket.destroy());
}

const STORED = { id: "a1", name: "stats.json", kind: "stats", sha256: sha256Hex(new Uint8Array([1, 2, 3])) };

/**
 * A replica answering as the API does: tRPC envelopes for the worker router, the artifact routes;
 * `status` answers every tRPC call with that error status instead (as the API's own JSON error).
 */
function answering(status?: number): Promise<Replica> {
  return listen((request, response, body) => {
    const json = (code: number, value: unknown) => {
      response.writeHead(code, { "content-type": "application/json" });
      response.end(JSON.stringify(value));
    };
    if (request.url?.startsWith("/api/artifacts")) {
      if (request.method === "POST") {
        json(201, { artifact: { ...STORED, sizeBytes: body.length, contentType: "application/json" }, created: true });
      } else {
        response.writeHead(200, { "content-type": "application/octet-stream" });
        response.end(Buffer.from([1, 2, 3]));
      }
      return;
    }
    if (status !== undefined) {
      json(status, { error: { message: `answered ${status}`, code: -32603, data: { httpStatus: status } } });
      return;
    }
    const procedure = request.url?.split("?")[0]?.replace("/api/trpc/worker.", "");
    const data =
      procedure === "heartbeat" ? { leaseExpiresAt: new Date(0).toISOString(), cancelRequested: false } : null;
    json(200, { result: { data } });
  });
}

function workerApi(replicas: readonly Replica[]) {
  const log: string[] = [];
  const pauses: number[] = [];
  const api: WorkerApi = createHttpWorkerApi(
    { serverUrls: replicas.map((replica) => replica.url), token: "dw_test" },
    {
      log: (line) => log.push(line),
      // Records the waits between rounds instead of waiting them.
      pause: async (ms) => {
        pauses.push(ms);
      },
    },
  );
  return { api, log, pauses };
}

const RUN = { runId: "r1", attempt: 1 };

describe("an idempotent report", () => {
  it("moves past a refused replica and a proxy's 503 to the one that works, and stays there", async () => {
    const [refused, dead, alive] = [await refusing(), await proxyOfDeadReplica(), await answering()];
    const { api, log, pauses } = workerApi([refused, dead, alive]);

    await api.finish({ ...RUN, outcome: "succeeded" });
    await api.completeStage({ ...RUN, stage: "load", seconds: 1 });
    await api.heartbeat(RUN);

    expect(dead.requests).toEqual(["POST /api/trpc/worker.finish"]);
    expect(alive.requests).toEqual([
      "POST /api/trpc/worker.finish",
      "POST /api/trpc/worker.completeStage",
      "POST /api/trpc/worker.heartbeat",
    ]);
    expect(pauses).toEqual([]);
    expect(log).toEqual([
      `server ${refused.url} failed (ECONNREFUSED); moving to ${dead.url}`,
      `server ${dead.url} failed (HTTP 503); moving to ${alive.url}`,
    ]);
  });

  it("is sent again to the next replica when the answer was lost", async () => {
    const [lost, alive] = [await hangingUp(), await answering()];
    const { api, log } = workerApi([lost, alive]);
    await api.completeStage({ ...RUN, stage: "sweep", seconds: 2 });
    expect(lost.requests).toEqual(["POST /api/trpc/worker.completeStage"]);
    expect(alive.requests).toEqual(["POST /api/trpc/worker.completeStage"]);
    expect(log).toEqual([`server ${lost.url} failed (UND_ERR_SOCKET); moving to ${alive.url}`]);
  });

  it("carries uploads and downloads to the next replica too", async () => {
    const [dead, alive] = [await proxyOfDeadReplica(), await answering()];
    const { api } = workerApi([dead, alive]);
    const uploaded = await api.uploadArtifact({
      ...RUN,
      name: "stats.json",
      kind: "stats",
      contentType: "application/json",
      bytes: new Uint8Array([1, 2, 3]),
    });
    expect(uploaded).toMatchObject({ id: "a1", created: true });
    expect(await api.downloadArtifact(STORED)).toEqual(new Uint8Array([1, 2, 3]));
    expect(dead.requests).toEqual(["POST /api/artifacts"]);
    expect(alive.requests).toEqual(["POST /api/artifacts", "GET /api/artifacts/a1"]);
  });

  it("goes round every replica three times, pausing 0.5 s and 1.5 s between rounds, then gives up", async () => {
    const [refused, dead] = [await refusing(), await proxyOfDeadReplica()];
    const { api, pauses } = workerApi([refused, dead]);
    await expect(api.completeStage({ ...RUN, stage: "train", seconds: 3 })).rejects.toMatchObject({
      kind: "server",
      status: 503,
      message: expect.stringContaining("reporting stage train of run r1: no answer from the API behind it"),
    });
    expect(dead.requests).toHaveLength(3);
    expect(pauses).toEqual([500, 1_500]);
  });

  it("asks a replica that answered with its own 500 again after a pause, without moving", async () => {
    const [failing, alive] = [await answering(500), await answering()];
    const { api, log, pauses } = workerApi([failing, alive]);
    await expect(api.finish({ ...RUN, outcome: "failed", error: "x", retryable: true })).rejects.toMatchObject({
      kind: "server",
      status: 500,
    });
    expect(failing.requests).toHaveLength(3);
    expect(alive.requests).toEqual([]);
    expect(pauses).toEqual([500, 1_500]);
    expect(log).toEqual([]);
  });

  it("is not sent again when a replica refuses it (409: the run is no longer this worker's)", async () => {
    const [refusing409, alive] = [await answering(409), await answering()];
    const { api, pauses } = workerApi([refusing409, alive]);
    await expect(api.finish({ ...RUN, outcome: "succeeded" })).rejects.toMatchObject({ kind: "conflict" });
    expect(refusing409.requests).toHaveLength(1);
    expect(alive.requests).toEqual([]);
    expect(pauses).toEqual([]);
  });
});

describe("a heartbeat", () => {
  it("tries each replica once and then fails, leaving the next try to the heartbeat loop's schedule", async () => {
    const [dead, refused] = [await proxyOfDeadReplica(), await refusing()];
    const { api, pauses, log } = workerApi([dead, refused]);
    await expect(api.heartbeat(RUN)).rejects.toMatchObject({ kind: "unreachable", networkReason: "ECONNREFUSED" });
    expect(dead.requests).toEqual(["POST /api/trpc/worker.heartbeat"]);
    expect(pauses).toEqual([]);
    expect(log).toHaveLength(2);
  });
});

describe("a claim", () => {
  it("goes to the next replica when the connection was refused (it never left)", async () => {
    const [refused, alive] = [await refusing(), await answering()];
    const { api, log } = workerApi([refused, alive]);
    expect(await api.claim({ workerName: "w" })).toBeNull();
    expect(alive.requests).toEqual(["POST /api/trpc/worker.claim"]);
    expect(log).toEqual([`server ${refused.url} failed (ECONNREFUSED); moving to ${alive.url}`]);
  });

  it("is never sent twice when its answer was lost: the next claim goes to the next replica", async () => {
    const [lost, alive] = [await hangingUp(), await answering()];
    const { api } = workerApi([lost, alive]);
    await expect(api.claim({ workerName: "w" })).rejects.toMatchObject({
      kind: "unreachable",
      networkReason: "UND_ERR_SOCKET",
    });
    expect(lost.requests).toEqual(["POST /api/trpc/worker.claim"]);
    expect(alive.requests).toEqual([]);
    expect(await api.claim({ workerName: "w" })).toBeNull();
    expect(lost.requests).toHaveLength(1);
    expect(alive.requests).toEqual(["POST /api/trpc/worker.claim"]);
  });

  it("is not sent again after a proxy's 503 either: the request reached the proxy", async () => {
    const [dead, alive] = [await proxyOfDeadReplica(), await answering()];
    const { api } = workerApi([dead, alive]);
    await expect(api.claim({ workerName: "w" })).rejects.toMatchObject({ kind: "server", status: 503 });
    expect(alive.requests).toEqual([]);
    expect(await api.claim({ workerName: "w" })).toBeNull();
    expect(dead.requests).toHaveLength(1);
    expect(alive.requests).toHaveLength(1);
  });

  it("fails when every replica refuses, having tried each once", async () => {
    const { api, log } = workerApi([await refusing(), await refusing()]);
    await expect(api.claim({ workerName: "w" })).rejects.toMatchObject({
      kind: "unreachable",
      message: expect.stringMatching(/^claiming a run: cannot reach the Deadweight server at \S+ \(ECONNREFUSED\)/),
    });
    expect(log).toHaveLength(2);
  });

  it("stays on its replica when the worker gives up the wait (shutdown)", async () => {
    let claimArrived: () => void = () => {};
    const arrived = new Promise<void>((resolve) => {
      claimArrived = resolve;
    });
    // Holds claims open (an empty queue's long poll); answers everything else.
    const waiting = await listen((request, response) => {
      if (request.url?.includes("worker.claim")) {
        claimArrived();
        return;
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ result: { data: null } }));
    });
    const alive = await answering();
    const { api, log } = workerApi([waiting, alive]);
    const shutdown = new AbortController();
    const claimed = api.claim({ workerName: "w", waitSeconds: 20 }, shutdown.signal);
    await arrived;
    shutdown.abort();
    await expect(claimed).rejects.toMatchObject({ kind: "unreachable" });
    await api.finish({ ...RUN, outcome: "released" });
    expect(waiting.requests).toEqual(["POST /api/trpc/worker.claim", "POST /api/trpc/worker.finish"]);
    expect(alive.requests).toEqual([]);
    expect(log).toEqual([]);
  });
});
