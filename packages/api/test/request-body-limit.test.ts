import { request } from "node:http";
import { MAX_RESULT_ROWS } from "@deadweight/core/tensor-free";
import { describe, expect, it } from "vitest";
import { generateApiToken } from "../src/auth/api-tokens.js";
import {
  DEFAULT_MAX_REQUEST_BODY_BYTES,
  DEFAULT_MAX_WORKER_REQUEST_BODY_BYTES,
} from "../src/http/start-http-server.js";
import { createPerson, createTeam } from "./people.js";
import { cookieFrom, postJson } from "./sign-in.js";
import { createTestDatabase } from "./test-database.js";
import { startTestServer } from "./test-server.js";

const { store, db } = await createTestDatabase();
const server = await startTestServer(store, { authRateLimit: false });
const origin = new URL(server.url).origin;

const MIB = 1024 * 1024;
const FIFTY_MB = 50 * 1000 * 1000;

interface StreamedAnswer {
  readonly status: number;
  readonly body: string;
  /** How many body bytes the client had handed to the socket when the answer came. */
  readonly bytesSent: number;
  /** The highest resident set size of this process (server and client) seen while sending. */
  readonly peakRss: number;
}

/**
 * POSTs `totalBytes` of JSON-looking filler from one reused 64 KiB buffer (so the client itself holds
 * no big body), with a Content-Length or chunked, and stops sending once the server answers.
 */
function streamBody(
  path: string,
  totalBytes: number,
  options: { readonly chunked: boolean; readonly headers?: Record<string, string> },
): Promise<StreamedAnswer> {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let peakRss = process.memoryUsage().rss;
  return new Promise((resolve, reject) => {
    const url = new URL(path, server.url);
    let bytesSent = 0;
    let answered = false;
    const outgoing = request(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(options.chunked ? { "transfer-encoding": "chunked" } : { "content-length": String(totalBytes) }),
        ...options.headers,
      },
    });
    outgoing.on("response", (response) => {
      answered = true;
      const parts: Buffer[] = [];
      response.on("data", (part: Buffer) => parts.push(part));
      response.on("end", () => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(parts).toString("utf8"), bytesSent, peakRss });
        outgoing.destroy();
      });
      response.on("error", reject);
    });
    // The server may close the connection once it has answered: a write error after that is expected.
    outgoing.on("error", (error) => {
      if (!answered) reject(error);
    });
    const sendMore = () => {
      while (!answered && bytesSent < totalBytes) {
        const part = totalBytes - bytesSent >= chunk.length ? chunk : chunk.subarray(0, totalBytes - bytesSent);
        bytesSent += part.length;
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        if (!outgoing.write(part)) {
          outgoing.once("drain", sendMore);
          return;
        }
      }
      if (!answered) outgoing.end();
    };
    sendMore();
  });
}

async function signedUpCookie(email: string): Promise<string> {
  const response = await postJson(`${server.url}/api/auth/sign-up/email`, {
    email,
    password: "correct horse battery",
    name: "Grace",
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return cookieFrom(response);
}

async function workerTokenHeader(): Promise<string> {
  const admin = await createPerson(db, "Admin");
  const team = await createTeam(db, "Body limits", [[admin, "admin"]]);
  const generated = generateApiToken();
  await db.apiToken.create({
    data: {
      teamId: team.id,
      createdById: admin.userId,
      name: "big-reports",
      kind: "worker",
      prefix: generated.prefix,
      tokenHash: generated.tokenHash,
    },
  });
  return `Bearer ${generated.token}`;
}

describe("request body limits of /api/trpc and /api/auth", () => {
  it("refuses a 50 MB tRPC body with 413 before reading it, in tRPC's shape, and memory stays flat", async () => {
    const cookie = await signedUpCookie("grace@example.test");
    const before = process.memoryUsage().rss;
    const answer = await streamBody("/api/trpc/team.create", FIFTY_MB, { chunked: false, headers: { cookie, origin } });
    expect(answer.status).toBe(413);
    const body = JSON.parse(answer.body) as { error: { message: string; data: { code: string; httpStatus: number } } };
    expect(body.error.data).toMatchObject({ code: "PAYLOAD_TOO_LARGE", httpStatus: 413 });
    expect(body.error.message).toMatch(
      /larger than this server accepts \(1048576 bytes\).*DEADWEIGHT_MAX_REQUEST_BYTES/,
    );
    const growthMb = (answer.peakRss - before) / 1e6;
    console.log(`50 MB body with Content-Length: RSS growth ${growthMb.toFixed(1)} MB, ${answer.bytesSent} bytes sent`);
    expect(growthMb).toBeLessThan(50);
    expect(await db.team.count()).toBe(0);
  });

  it("refuses a 50 MB chunked sign-up body once 1 MiB has streamed in, with the API's JSON error", async () => {
    const before = process.memoryUsage().rss;
    const answer = await streamBody("/api/auth/sign-up/email", FIFTY_MB, { chunked: true });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({
      error: { code: "PAYLOAD_TOO_LARGE", message: expect.stringMatching(/larger than this server accepts/) },
    });
    const growthMb = (answer.peakRss - before) / 1e6;
    console.log(`50 MB chunked body: RSS growth ${growthMb.toFixed(1)} MB, ${answer.bytesSent} bytes sent`);
    expect(growthMb).toBeLessThan(50);
    // The server answered long before the client could send everything.
    expect(answer.bytesSent).toBeLessThan(FIFTY_MB);
  });

  it("still serves normal requests, and a body just under the limit reaches its procedure", async () => {
    const cookie = await signedUpCookie("ada@example.test");
    const created = await postJson(`${server.url}/api/trpc/team.create`, { name: "Ada's lab" }, { cookie, origin });
    expect(created.status, await created.clone().text()).toBe(200);
    // ~1 MiB of name: past the body limit's check, refused by the procedure's own validation instead.
    const long = await postJson(
      `${server.url}/api/trpc/team.create`,
      { name: "x".repeat(DEFAULT_MAX_REQUEST_BODY_BYTES - 100) },
      { cookie, origin },
    );
    expect(long.status).toBe(400);
  });

  it("lets worker tokens send results reports beyond a person's limit, up to their own", async () => {
    const authorization = await workerTokenHeader();
    const claim = { runId: "no-such-run", attempt: 1 };
    const twoMib = { ...claim, results: { padding: "x".repeat(2 * MIB) } };
    // Past the 1 MiB limit of people: the procedure answers (the run does not exist), not the limit.
    const asWorker = await postJson(`${server.url}/api/trpc/worker.recordResults`, twoMib, { authorization });
    expect(asWorker.status).not.toBe(413);
    const tooBig = await streamBody("/api/trpc/worker.recordResults", DEFAULT_MAX_WORKER_REQUEST_BODY_BYTES + 1, {
      chunked: false,
      headers: { authorization },
    });
    expect(tooBig.status).toBe(413);
  });

  it("fits a 10,000-row results report with the statistics of a 784-512-256-128 network under the worker limit", () => {
    // What a worker serialises (JSON.stringify of floats at full precision), row by row as the core makes them.
    const rows = Array.from({ length: MAX_RESULT_ROWS }, (_, i) => ({
      id: `mean${(i / 1000).toFixed(3)}-std${((i % 97) / 97).toFixed(4)}`,
      threshold: { kind: "meanStd", mean: i / 9_999.123456789, std: (i % 97) / 97.123456789 },
      status: "ok",
      keptNeurons: [511 - (i % 500), 255 - (i % 250), 127 - (i % 120)],
      keptNeuronTotal: 893 - (i % 870),
      parameters: 535_818 - i * 17,
      bytes: 2_143_272 - i * 68,
      validationAccuracy: 0.98 - i / 1e7 - Math.PI / 1e5,
      testAccuracy: 0.98 - i / 1e7 - Math.E / 1e5,
      validationAccuracyDrop: Math.PI / 200 + i / 1e5,
      testAccuracyDrop: Math.E / 200 + i / 1e5,
      parameterReductionPercent: Math.PI * 4 + i / 1e3,
      neuronReductionPercent: Math.E * 8 + i / 1e3,
      latencyMsPerSample: Math.LN2 / 500,
      pareto: i % 50 === 0,
    }));
    const bins = 50;
    const stats = {
      sampleCount: 6000,
      layers: [512, 256, 128].map((width, layerIndex) => ({
        layerIndex,
        neurons: Array.from({ length: width }, () => ({
          mean: Math.PI / 25,
          std: Math.E / 11,
          min: -Math.SQRT2 / 4,
          max: Math.PI * 1.4,
          apoz: Math.LN2 * 0.8,
        })),
        histograms: Array.from({ length: width }, () => ({
          edges: Array.from({ length: bins + 1 }, (_, b) => -Math.SQRT2 / 4 + b * (Math.PI / 32)),
          counts: Array.from({ length: bins }, (_, b) => (b * 131) % 6000),
        })),
      })),
    };
    const bytes = Buffer.byteLength(JSON.stringify({ runId: "c".repeat(25), attempt: 1, results: { rows, stats } }));
    console.log(`a 10,000-row report with statistics: ${(bytes / MIB).toFixed(1)} MiB as JSON`);
    expect(bytes).toBeGreaterThan(DEFAULT_MAX_REQUEST_BODY_BYTES);
    // Room for longer ids, notes on emptied layers and wider networks.
    expect(bytes * 2).toBeLessThan(DEFAULT_MAX_WORKER_REQUEST_BODY_BYTES);
  });

  it("takes its limits from the server's options", async () => {
    const small = await startTestServer(store, { maxRequestBodyBytes: 1024 });
    const response = await postJson(`${small.url}/api/auth/sign-in/email`, {
      email: "grace@example.test",
      password: "y".repeat(2000),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/\(1024 bytes\)/);
  });
});
