import type { AppRouter } from "@deadweight/api";
import { createHttpWorkerApi, downloadArtifactBytes, type WorkerApi } from "@deadweight/worker";
import { createTRPCClient, httpLink } from "@trpc/client";
import { beforeAll, describe, expect, it } from "vitest";
import { startTestPlatform, type TestPlatform, tinyConfig } from "./queue-fixtures.js";

// What a worker token may do, over HTTP as a worker on another machine would: claim and report its
// own team's runs, and nothing else.

let platform: TestPlatform;
let localWorker: WorkerApi;
let localWorkerToken: string;
let otherRunId: string;
let otherArtifact: { id: string; name: string; sha256: string };

function trpcAs(token: string) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${platform.url}/api/trpc`, headers: { authorization: `Bearer ${token}` } })],
  });
}

beforeAll(async () => {
  platform = await startTestPlatform();
  localWorkerToken = await platform.createToken("worker");
  localWorker = createHttpWorkerApi({ serverUrl: platform.url, token: localWorkerToken });

  // Another team (the same person owns it) with a queued run and a run holding an artifact.
  const other = await platform.owner.team.create({ name: "Other" });
  const project = await platform.owner.project.create({ teamId: other.id, name: "Theirs" });
  const otherWorker = createHttpWorkerApi({
    serverUrl: platform.url,
    token: await platform.createToken("worker", other.id),
  });
  await platform.queue("theirs, held", tinyConfig("mnist"), 1, project.id);
  const claim = await otherWorker.claim({ workerName: "their-worker" });
  if (claim === null) throw new Error("the other team's worker should claim its run");
  const uploaded = await otherWorker.uploadArtifact({
    runId: claim.run.id,
    attempt: claim.run.attempt,
    name: "stats.json",
    kind: "stats",
    contentType: "application/json",
    bytes: new TextEncoder().encode("{}\n"),
  });
  otherArtifact = uploaded;
  [otherRunId] = (await platform.queue("theirs, queued", tinyConfig("mnist"), 1, project.id)) as [string];
});

describe("a worker token", () => {
  it("never claims another team's run", async () => {
    expect(await localWorker.claim({ workerName: "ours" })).toBeNull();
    expect((await platform.run(otherRunId)).status).toBe("queued");
  });

  it("cannot report on another team's run: it answers as if the run did not exist", async () => {
    const ref = { runId: otherRunId, attempt: 1 };
    for (const call of [
      () => localWorker.heartbeat(ref),
      () => localWorker.completeStage({ ...ref, stage: "load", seconds: 1 }),
      () => localWorker.finish({ ...ref, outcome: "succeeded" }),
      () =>
        localWorker.uploadArtifact({
          ...ref,
          name: "stats.json",
          kind: "stats",
          contentType: "application/json",
          bytes: new Uint8Array([1]),
        }),
    ]) {
      await expect(call()).rejects.toMatchObject({
        kind: "not-found",
        message: expect.stringContaining("does not exist"),
      });
    }
  });

  it("cannot download another team's artifact", async () => {
    await expect(
      downloadArtifactBytes({ serverUrl: platform.url, token: localWorkerToken }, otherArtifact),
    ).rejects.toMatchObject({ kind: "not-found", status: 404 });
  });

  it("cannot call anything but the worker procedures, not even reads of its own team", async () => {
    const client = trpcAs(localWorkerToken);
    const refused = [
      () => client.run.get.query({ runId: otherRunId }),
      () => client.run.list.query({ teamId: platform.teamId }),
      () => client.experiment.list.query({ projectId: platform.projectId }),
      () => client.experiment.create.mutate({ projectId: platform.projectId, name: "sneaky", config: {} }),
      () => client.team.tokens.create.mutate({ teamId: platform.teamId, name: "more", kind: "user" }),
      () => client.team.listMine.query(),
    ];
    for (const call of refused) {
      await expect(call()).rejects.toMatchObject({
        data: { code: "FORBIDDEN" },
        message: "worker tokens can only claim and report runs",
      });
    }
  });
});

describe("a user token", () => {
  it("cannot claim runs", async () => {
    const client = trpcAs(await platform.createToken("user"));
    await expect(client.worker.claim.mutate({ workerName: "person" })).rejects.toMatchObject({
      data: { code: "FORBIDDEN" },
    });
  });
});
