import { createServer, request as forward, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import {
  childProcessesOf,
  finishedRun,
  LEASE_SECONDS,
  processEnded,
  type SpawnedWorker,
  spawnWorker,
  startTestPlatform,
  type TestPlatform,
  waitFor,
} from "./queue-fixtures.js";

// kill -9 of the worker holding a run: the lease expires, the run goes back to the queue and the
// other worker completes it. Killed mid-training, it trains again; killed after training, the
// stored base model is loaded instead. And the other way round: an API replica dies under a worker
// given several (--server a,b,c), which moves to the next and completes its run.

let platform: TestPlatform;
let token: string;
const workers = new Map<string, { worker: SpawnedWorker; isolate: "thread" | "process" }>();

/** Workers a and b run each run in a child process (the default), c in a thread (--isolate thread). */
function startWorker(name: string, isolate: "thread" | "process"): SpawnedWorker {
  const worker = spawnWorker(platform.url, token, name, isolate === "thread" ? ["--isolate", "thread"] : []);
  workers.set(name, { worker, isolate });
  return worker;
}

/** kill -9 the worker process holding the run; returns its name and when it died, once its run's process (if any) has left too. */
async function killHolder(runId: string) {
  const run = await platform.run(runId);
  const holder = workers.get(run.worker ?? "");
  if (holder === undefined) throw new Error(`run ${runId} is held by an unknown worker ${run.worker}`);
  const runProcesses = childProcessesOf(holder.worker.process.pid as number);
  if (holder.isolate === "process") expect(runProcesses.length).toBeGreaterThan(0);
  holder.worker.process.kill("SIGKILL");
  await holder.worker.exited;
  // A run's process sees its worker's IPC channel close and leaves: no orphan goes on training.
  await waitFor("the killed worker's run process to leave", () => runProcesses.every(processEnded), 15_000);
  workers.delete(run.worker as string);
  return { name: run.worker as string, killedAt: Date.now() };
}

/** A run's four result rows and its artifacts, each stored once however many attempts or servers reported them. */
async function expectEachRowAndArtifactOnce(runId: string): Promise<void> {
  const [results, artifacts] = await Promise.all([
    platform.owner.result.rows({ runId }),
    platform.owner.artifact.list({ runId, limit: 100 }),
  ]);
  expect(results.rows.map((row) => row.rowKey)).toEqual([
    "mean0-std0.2",
    "mean0-std1",
    "mean0.1-std0.2",
    "mean0.1-std1",
  ]);
  const names = artifacts.items.map((artifact) => artifact.name);
  expect(new Set(names).size).toBe(names.length);
  expect(names).toContain("models/base/weights.bin");
}

// The lease (30 s) must expire before the other worker resumes; then the rest of the pipeline runs.
function waitUntilDone(runId: string) {
  return finishedRun(platform, runId, 90_000);
}

beforeAll(async () => {
  platform = await startTestPlatform();
  token = await platform.createToken("worker");
  startWorker("worker-a", "process");
  startWorker("worker-b", "process");
});

describe("kill -9 of a worker in the middle of training", () => {
  const config = {
    dataset: "mnist",
    split: { maxTrainSamples: 5000, maxTestSamples: 500 },
    model: { hidden: [64] },
    training: { epochs: 40, batchSize: 32 },
    pruning: { means: [0, 0.1], stds: [0.2, 1] },
  };
  let runId: string;
  let killed: { name: string; killedAt: number };
  let requeuedAfterMs: number;

  beforeAll(async () => {
    [runId] = (await platform.queue("crash mid-training", config)) as [string];
    await waitFor("training to reach epoch 2", async () => {
      const run = await platform.run(runId);
      const progress = run.progress as { stage?: string; epoch?: number } | null;
      return run.status === "running" && progress?.stage === "train" && (progress.epoch ?? 0) >= 2;
    });
    killed = await killHolder(runId);
    await waitFor("the run to be claimed again", async () => (await platform.run(runId)).attempt === 2, 20_000, 100);
    requeuedAfterMs = Date.now() - killed.killedAt;
    await waitUntilDone(runId);
  }, 240_000);

  it("is completed by the other worker once the lease has expired", async () => {
    const run = await platform.run(runId);
    expect(run.status, run.errorMessage ?? "").toBe("succeeded");
    expect(run.worker).not.toBe(killed.name);
    // The last heartbeat came at most one beat interval (a third of the lease) before the kill.
    expect(requeuedAfterMs).toBeGreaterThan(((LEASE_SECONDS * 2) / 3) * 1000 - 500);
  });

  it("shows what happened in the attempt history: lease expired, then succeeded", async () => {
    const run = await platform.run(runId);
    expect(run.attempts.map((attempt) => [attempt.worker, attempt.outcome])).toEqual([
      [killed.name, "lease-expired"],
      [run.worker, "succeeded"],
    ]);
    expect(run.attempts[0]?.error).toMatch(/stopped renewing its lease/);
  });

  it("stores each result row and artifact once", () => expectEachRowAndArtifactOnce(runId));

  it("trained again: the killed attempt had not finished training", () => {
    const survivor = [...workers.values()][0]?.worker as SpawnedWorker;
    expect(survivor.log()).toMatch(/attempt 2: no earlier attempt finished training: training from the start/);
  });
});

describe("kill -9 of a worker after training, during the sweep", () => {
  // Training is short, the sweep long (100 thresholds on 10,000 test samples): the kill lands after
  // the base model is stored.
  const config = {
    dataset: "mnist",
    split: { maxTrainSamples: 3000, maxTestSamples: 10000, validationFraction: 0.5 },
    model: { hidden: [256] },
    training: { epochs: 1 },
    pruning: { criterion: "rank", keepFractions: Array.from({ length: 100 }, (_, i) => (i + 1) / 100) },
  };
  let runId: string;
  let killed: { name: string; killedAt: number };
  let storedBaseSha: string | undefined;

  beforeAll(async () => {
    startWorker("worker-c", "thread");
    [runId] = (await platform.queue("crash after training", config)) as [string];
    await waitFor(
      "training to be reported done",
      async () => {
        const run = await platform.run(runId);
        return run.status === "running" && run.completedStages.includes("train");
      },
      90_000,
      50,
    );
    killed = await killHolder(runId);
    const artifacts = await platform.owner.artifact.list({ runId, limit: 100 });
    storedBaseSha = artifacts.items.find((artifact) => artifact.name === "models/base/weights.bin")?.sha256;
    await waitUntilDone(runId);
  }, 240_000);

  it("resumes on the other worker from the stored base model, without training again", async () => {
    const run = await platform.run(runId);
    expect(run.status, run.errorMessage ?? "").toBe("succeeded");
    expect(run.attempts.map((attempt) => [attempt.worker, attempt.outcome])).toEqual([
      [killed.name, "lease-expired"],
      [run.worker, "succeeded"],
    ]);
    expect(run.worker).not.toBe(killed.name);
    const survivor = workers.get(run.worker ?? "")?.worker as SpawnedWorker;
    expect(survivor.log()).toContain(
      `run ${runId} attempt 2: an earlier attempt finished training and stored the base model`,
    );
    expect(survivor.log()).toContain(
      `run ${runId}: loaded the base model stored by an earlier attempt; training skipped`,
    );
    expect(run.completedStages).toEqual(expect.arrayContaining(["load", "train", "statistics", "sweep", "export"]));
  });

  it("keeps the base model the first attempt stored, and stores every row once", async () => {
    expect(storedBaseSha).toMatch(/^[0-9a-f]{64}$/);
    const [results, artifacts] = await Promise.all([
      platform.owner.result.rows({ runId }),
      platform.owner.artifact.list({ runId, limit: 100 }),
    ]);
    expect(results.rows).toHaveLength(100);
    expect(new Set(results.rows.map((row) => row.rowKey)).size).toBe(100);
    const base = artifacts.items.filter((artifact) => artifact.name === "models/base/weights.bin");
    expect(base.map((artifact) => artifact.sha256)).toEqual([storedBaseSha]);
  });
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * An API replica in front of the test platform's store: a reverse proxy to its server (replicas
 * share the store, so answering through it is answering as another replica would). `kill` drops
 * it and every connection to it at once, as a replica killed with -9 does.
 */
async function startReplica(target: string) {
  const forwarded: string[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    forwarded.push(incoming.url?.split("?")[0] ?? "");
    const upstream = forward(
      new URL(incoming.url ?? "/", target),
      { method: incoming.method, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on("error", () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forwarded,
    kill: () => {
      server.close();
      server.closeAllConnections();
    },
  };
}

describe("an API replica that dies under a worker given several (--server dead,replica,server)", () => {
  let runId: string;
  let hopper: SpawnedWorker;
  let replica: Awaited<ReturnType<typeof startReplica>>;
  let deadUrl: string;
  let forwardedBeforeDeath: string[];

  beforeAll(async () => {
    // A team of its own, so the run can only go to this worker.
    const team = await platform.owner.team.create({ name: "Replicas" });
    const project = await platform.owner.project.create({ teamId: team.id, name: "Failover" });
    replica = await startReplica(platform.url);
    deadUrl = `http://127.0.0.1:${await closedPort()}`;
    hopper = spawnWorker(
      `${deadUrl},${replica.url},${platform.url}`,
      await platform.createToken("worker", team.id),
      "replica-hopper",
    );
    await waitFor("the worker to claim through the replica", () =>
      replica.forwarded.includes("/api/trpc/worker.claim"),
    );
    [runId] = (await platform.queue(
      "replica dies",
      {
        dataset: "mnist",
        split: { maxTrainSamples: 5000, maxTestSamples: 500 },
        model: { hidden: [64] },
        training: { epochs: 8, batchSize: 32 },
        pruning: { means: [0, 0.1], stds: [0.2, 1] },
      },
      1,
      project.id,
    )) as [string];
    // Killed once the load stage was reported through it: training and every later report are still ahead.
    await waitFor(
      "the load stage to be reported",
      async () => {
        const run = await platform.run(runId);
        return run.status === "running" && run.completedStages.includes("load");
      },
      90_000,
      50,
    );
    forwardedBeforeDeath = [...replica.forwarded];
    replica.kill();
    await waitFor(
      `run ${runId} to finish`,
      async () => {
        const run = await platform.run(runId);
        return run.status !== "queued" && run.status !== "running";
      },
      90_000,
      200,
    );
  }, 240_000);

  it("claimed the run through the replica after the dead URL refused, and reported through it until it died", () => {
    expect(hopper.log()).toContain(`server ${deadUrl} failed (ECONNREFUSED); moving to ${replica.url}`);
    expect(forwardedBeforeDeath).toContain("/api/trpc/worker.completeStage");
  });

  it("moved to the next server when the replica died, and completed the run with its one attempt", async () => {
    expect(hopper.log()).toMatch(
      new RegExp(`server ${replica.url} failed \\([^)]+\\); moving to ${platform.url.replaceAll(".", "\\.")}\n`),
    );
    const run = await platform.run(runId);
    expect(run.status, `${run.errorMessage}\n${hopper.log()}`).toBe("succeeded");
    expect(run.attempts.map((attempt) => [attempt.worker, attempt.outcome])).toEqual([["replica-hopper", "succeeded"]]);
    expect(run.completedStages).toEqual(["load", "train", "statistics", "sweep", "export", "deploy"]);
    expect(hopper.log().match(/: claimed \(/g)).toHaveLength(1);
  });

  it("stores each result row and artifact once", () => expectEachRowAndArtifactOnce(runId));
});
