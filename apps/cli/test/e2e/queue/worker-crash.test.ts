import { beforeAll, describe, expect, it } from "vitest";
import {
  LEASE_SECONDS,
  type SpawnedWorker,
  spawnWorker,
  startTestPlatform,
  type TestPlatform,
  waitFor,
} from "./queue-fixtures.js";

// kill -9 of the worker holding a run: the lease expires, the run goes back to the queue and the
// other worker completes it. Killed mid-training, it trains again; killed after training, the
// stored base model is loaded instead.

let platform: TestPlatform;
let token: string;
const workers = new Map<string, SpawnedWorker>();

function startWorker(name: string): SpawnedWorker {
  const worker = spawnWorker(platform.url, token, name);
  workers.set(name, worker);
  return worker;
}

/** kill -9 the worker process holding the run; returns its name and when it died. */
async function killHolder(runId: string) {
  const run = await platform.run(runId);
  const holder = workers.get(run.worker ?? "");
  if (holder === undefined) throw new Error(`run ${runId} is held by an unknown worker ${run.worker}`);
  holder.process.kill("SIGKILL");
  await holder.exited;
  workers.delete(run.worker as string);
  return { name: run.worker as string, killedAt: Date.now() };
}

async function waitUntilDone(runId: string) {
  return waitFor(
    `run ${runId} to finish`,
    async () => {
      const run = await platform.run(runId);
      return run.status !== "queued" && run.status !== "running" ? run : undefined;
    },
    // The lease (30 s) must expire before the other worker resumes; then the rest of the pipeline runs.
    90_000,
    200,
  );
}

beforeAll(async () => {
  platform = await startTestPlatform();
  token = await platform.createToken("worker");
  startWorker("worker-a");
  startWorker("worker-b");
});

describe("kill -9 of a worker in the middle of training", () => {
  const config = {
    dataset: "mnist",
    split: { maxTrainSamples: 5000, maxTestSamples: 500 },
    model: { hidden: [64] },
    training: { epochs: 12, batchSize: 32 },
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
  }, 120_000);

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

  it("stores each result row and artifact once", async () => {
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
  });

  it("trained again: the killed attempt had not finished training", () => {
    const survivor = [...workers.values()][0] as SpawnedWorker;
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
    startWorker("worker-c");
    [runId] = (await platform.queue("crash after training", config)) as [string];
    await waitFor(
      "training to be reported done",
      async () => {
        const run = await platform.run(runId);
        return run.status === "running" && run.completedStages.includes("train");
      },
      30_000,
      50,
    );
    killed = await killHolder(runId);
    const artifacts = await platform.owner.artifact.list({ runId, limit: 100 });
    storedBaseSha = artifacts.items.find((artifact) => artifact.name === "models/base/weights.bin")?.sha256;
    await waitUntilDone(runId);
  }, 120_000);

  it("resumes on the other worker from the stored base model, without training again", async () => {
    const run = await platform.run(runId);
    expect(run.status, run.errorMessage ?? "").toBe("succeeded");
    expect(run.attempts.map((attempt) => [attempt.worker, attempt.outcome])).toEqual([
      [killed.name, "lease-expired"],
      [run.worker, "succeeded"],
    ]);
    expect(run.worker).not.toBe(killed.name);
    const survivor = workers.get(run.worker ?? "") as SpawnedWorker;
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
