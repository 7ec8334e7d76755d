import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TRPCClientError } from "@trpc/client";
import { afterAll, describe, expect, it } from "vitest";
import { generateApiToken } from "../src/auth/api-tokens.js";
import type { AppRouter } from "../src/root.js";
import { startApiServer } from "../src/server/start-api-server.js";
import { createQueueTeam, expireLease, queueRuns } from "./queue-fixtures.js";
import { testDatabaseLocation } from "./test-database.js";
import { apiClient } from "./test-server.js";

// The standalone server as deployed (migrations, HTTP, artifact store, lease sweeper), on a throwaway folder.
const database = await testDatabaseLocation();
const server = await startApiServer({
  ...(database === undefined ? {} : { database }),
  dataDir: mkdtempSync(join(tmpdir(), "deadweight-worker-http-")),
  authRateLimit: false,
  leaseSweepIntervalMs: 50,
  log: () => {},
});
afterAll(() => server.close());
const { store } = server;
const { db } = store;

/** A worker token of the team, as an admin would create it, and a tRPC client using it. */
async function workerToken(team: Awaited<ReturnType<typeof createQueueTeam>>, name: string) {
  const generated = generateApiToken();
  await db.apiToken.create({
    data: {
      teamId: team.team.id,
      createdById: team.people.admin.userId,
      name,
      kind: "worker",
      prefix: generated.prefix,
      tokenHash: generated.tokenHash,
    },
  });
  const headers = { authorization: `Bearer ${generated.token}` };
  return { headers, client: apiClient(server.url, headers) };
}

const ours = await createQueueTeam(store, "Ours");
const theirs = await createQueueTeam(store, "Theirs");
const ourWorker = await workerToken(ours, "gpu-box");
const theirWorker = await workerToken(theirs, "their-box");

const sha256Of = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const bytesOf = (text: string) => new TextEncoder().encode(text);

function upload(headers: Record<string, string>, query: Record<string, string>, body: Uint8Array): Promise<Response> {
  return fetch(`${server.url}/api/artifacts?${new URLSearchParams(query)}`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/octet-stream", "x-content-sha256": sha256Of(body) },
    body,
  });
}

async function errorOf(response: Response) {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, ...body.error };
}

async function httpStatusOf(call: Promise<unknown>): Promise<number> {
  const error = await call.then(
    () => {
      throw new Error("expected the call to be refused");
    },
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return (error as TRPCClientError<AppRouter>).data?.httpStatus ?? 0;
}

describe("a worker over HTTP", () => {
  it("claims, uploads its run's artifacts (idempotently), downloads them back, and finishes", async () => {
    const [runId] = (await queueRuns(store, ours, 1)) as [string];
    const claimed = await ourWorker.client.worker.claim.mutate({ workerName: "gpu-box/1" });
    expect(claimed!.run.id).toBe(runId);
    expect(new Date(claimed!.leaseExpiresAt).getTime()).toBeGreaterThan(Date.now());

    const model = bytesOf('{"layers":[784,8,10]}');
    const query = { runId, name: "base/model.json", kind: "model-json", attempt: "1" };
    const created = await upload(ourWorker.headers, query, model);
    expect(created.status).toBe(201);
    const { artifact } = (await created.json()) as { artifact: { id: string; sha256: string } };
    expect(artifact.sha256).toBe(sha256Of(model));
    const retried = await upload(ourWorker.headers, query, model);
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ created: false, artifact: { id: artifact.id } });
    expect(await db.artifact.count({ where: { runId } })).toBe(1);

    // Without naming the attempt too (any worker token of the team may upload to a running run).
    const weights = new Uint8Array([1, 2, 3, 4, 5]);
    expect(
      (await upload(ourWorker.headers, { runId, name: "base/weights.bin", kind: "weights" }, weights)).status,
    ).toBe(201);

    const download = await fetch(`${server.url}/api/artifacts/${artifact.id}`, { headers: ourWorker.headers });
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(model);
    const head = await fetch(`${server.url}/api/artifacts/${artifact.id}`, {
      method: "HEAD",
      headers: ourWorker.headers,
    });
    expect(head.headers.get("x-content-sha256")).toBe(sha256Of(model));

    await ourWorker.client.worker.finish.mutate({ runId, attempt: 1, outcome: "succeeded" });
    // A finished run's artifacts stay readable to the team's workers (a later run may build on them)...
    expect((await fetch(`${server.url}/api/artifacts/${artifact.id}`, { headers: ourWorker.headers })).status).toBe(
      200,
    );
    // ...but nothing more can be added to it.
    const late = await errorOf(await upload(ourWorker.headers, { runId, name: "late.bin", kind: "log" }, model));
    expect(late).toMatchObject({ status: 409, code: "CONFLICT" });
    expect(late.message).toContain(`run ${runId} is succeeded, not running`);
  });

  it("cannot upload to a run it no longer holds, nor touch another team's runs and artifacts", async () => {
    const [held, waiting] = (await queueRuns(store, ours, 2)) as [string, string];
    const [theirRun] = (await queueRuns(store, theirs, 1)) as [string];
    await ourWorker.client.worker.claim.mutate({ workerName: "gpu-box/2" });
    await theirWorker.client.worker.claim.mutate({ workerName: "their-box" });
    const theirModel = bytesOf("their model");
    const theirUpload = await upload(
      theirWorker.headers,
      { runId: theirRun, name: "m.json", kind: "model-json" },
      theirModel,
    );
    expect(theirUpload.status).toBe(201);
    const { artifact: theirArtifact } = (await theirUpload.json()) as { artifact: { id: string } };

    const bytes = bytesOf("anything");
    const queued = await errorOf(
      await upload(ourWorker.headers, { runId: waiting, name: "x.bin", kind: "log" }, bytes),
    );
    expect(queued).toMatchObject({ status: 409, code: "CONFLICT" });
    const stale = await errorOf(
      await upload(ourWorker.headers, { runId: held, name: "x.bin", kind: "log", attempt: "7" }, bytes),
    );
    expect(stale).toMatchObject({ status: 409 });
    expect(stale.message).toContain(`run ${held} attempt 7 is no longer yours`);
    const badAttempt = await errorOf(
      await upload(ourWorker.headers, { runId: held, name: "x.bin", kind: "log", attempt: "first" }, bytes),
    );
    expect(badAttempt).toMatchObject({ status: 400 });
    expect(badAttempt.message).toContain("query parameter attempt");

    const foreign = await errorOf(
      await upload(ourWorker.headers, { runId: theirRun, name: "x.bin", kind: "log" }, bytes),
    );
    const missing = await errorOf(
      await upload(ourWorker.headers, { runId: "no-such-run", name: "x.bin", kind: "log" }, bytes),
    );
    expect(foreign).toMatchObject({ status: 404, message: missing.message.replace("no-such-run", theirRun) });
    const foreignDownload = await fetch(`${server.url}/api/artifacts/${theirArtifact.id}`, {
      headers: ourWorker.headers,
    });
    expect(foreignDownload.status).toBe(404);
    const foreignHead = await fetch(`${server.url}/api/artifacts/${theirArtifact.id}`, {
      method: "HEAD",
      headers: ourWorker.headers,
    });
    expect(foreignHead.status).toBe(404);
    expect(await db.artifact.count({ where: { name: "x.bin" } })).toBe(0);

    await expect(httpStatusOf(ourWorker.client.worker.heartbeat.mutate({ runId: theirRun, attempt: 1 }))).resolves.toBe(
      404,
    );
  });

  it("is refused every user procedure", async () => {
    const [runId] = (await queueRuns(store, ours, 1)) as [string];
    const worker = ourWorker.client;
    // One at a time: a call started before its turn could fail unobserved (an unhandled rejection).
    for (const call of [
      () => worker.experiment.list.query({ projectId: ours.project.id }),
      () => worker.run.get.query({ runId }),
      () => worker.run.list.query({ teamId: ours.team.id }),
      () => worker.artifact.list.query({ runId }),
      () => worker.team.listMine.query(),
    ]) {
      expect(await httpStatusOf(call())).toBe(403);
    }
  });
});

describe("the server's lease sweeper", () => {
  it("puts a dead worker's run back in the queue without anyone claiming", async () => {
    const team = await createQueueTeam(store, "Sweep");
    const worker = await workerToken(team, "doomed");
    const [runId] = (await queueRuns(store, team, 1)) as [string];
    await worker.client.worker.claim.mutate({ workerName: "doomed", leaseSeconds: 5 });
    await expireLease(store, runId);
    await expect
      .poll(async () => (await db.run.findUniqueOrThrow({ where: { id: runId } })).status, { timeout: 5_000 })
      .toBe("queued");
    expect(await db.runAttempt.findFirstOrThrow({ where: { runId } })).toMatchObject({
      attempt: 1,
      outcome: "lease-expired",
    });
  });
});
