import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  LEASE_SECONDS,
  type SpawnedWorker,
  spawnWorker,
  startTestPlatform,
  type TestPlatform,
  waitFor,
} from "./queue-fixtures.js";

/** How often a worker heartbeats: a third of its lease. */
const HEARTBEAT_MS = (LEASE_SECONDS * 1000) / 3;

// A person cancels running runs; an operator stops a worker with SIGTERM.

let platform: TestPlatform;
let token: string;

const LONG_TRAINING = {
  dataset: "mnist",
  split: { maxTrainSamples: 5000, maxTestSamples: 500 },
  model: { hidden: [64] },
  training: { epochs: 30, batchSize: 32 },
  pruning: { means: [0, 0.1], stds: [0.2, 1] },
};

const LONG_SWEEP = {
  dataset: "mnist",
  split: { maxTrainSamples: 3000, maxTestSamples: 10000, validationFraction: 0.5 },
  model: { hidden: [256] },
  training: { epochs: 1 },
  pruning: { criterion: "rank", keepFractions: Array.from({ length: 100 }, (_, i) => (i + 1) / 100) },
};

async function training(runId: string) {
  return waitFor(`run ${runId} to be training`, async () => {
    const run = await platform.run(runId);
    const progress = run.progress as { stage?: string; epoch?: number } | null;
    return run.status === "running" && progress?.stage === "train" && (progress.epoch ?? 0) >= 1;
  });
}

async function attemptEnded(runId: string, attempt: number) {
  return waitFor(
    `attempt ${attempt} of run ${runId} to end`,
    async () => {
      const run = await platform.run(runId);
      const ended = run.attempts.find((entry) => entry.attempt === attempt && entry.endedAt !== null);
      return ended === undefined ? undefined : { run, ended };
    },
    90_000,
    50,
  );
}

beforeAll(async () => {
  platform = await startTestPlatform();
  token = await platform.createToken("worker");
});

describe("cancel", () => {
  let worker: SpawnedWorker;

  beforeAll(() => {
    worker = spawnWorker(platform.url, token, "canceled-worker");
  });
  afterAll(async () => {
    worker.process.kill("SIGTERM");
    await worker.exited;
  });

  it("stops a run in the middle of training within seconds; the worker goes on to the next run", async () => {
    const [runId, nextRunId] = [
      ...(await platform.queue("cancel mid-training", LONG_TRAINING)),
      ...(await platform.queue("after the cancel", { ...LONG_TRAINING, training: { epochs: 1 } })),
    ] as [string, string];
    await training(runId);
    const canceledAt = Date.now();
    await platform.owner.run.cancel({ runId });
    const { run, ended } = await attemptEnded(runId, 1);
    // The next heartbeat (every third of the lease) brings the cancel; training stops at the next batch.
    expect(new Date(ended.endedAt as Date).getTime() - canceledAt).toBeLessThan(HEARTBEAT_MS + 3_000);
    expect(run.status).toBe("canceled");
    expect(ended.outcome).toBe("canceled");
    // The worker's log reaches this process through a pipe, so its lines may trail the database.
    await waitFor(
      "the worker to log the cancel",
      () =>
        worker.log().includes(`run ${runId} attempt 1: stopping (canceled: a person canceled the run)`) &&
        worker.log().includes(`run ${runId} attempt 1: canceled`),
      10_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n--- worker log ---\n${worker.log()}`);
    });
    const next = await waitFor("the next run to finish", async () => {
      const candidate = await platform.run(nextRunId);
      return candidate.status === "succeeded" ? candidate : undefined;
    });
    expect(next.worker).toBe("canceled-worker");
  }, 240_000);

  it("keeps what was already stored when a run is canceled during its sweep", async () => {
    const [runId] = (await platform.queue("cancel mid-sweep", LONG_SWEEP)) as [string];
    await waitFor(
      "the statistics to be stored",
      async () => (await platform.run(runId)).completedStages.includes("statistics"),
      90_000,
      50,
    );
    const canceledAt = Date.now();
    await platform.owner.run.cancel({ runId });
    const { run, ended } = await attemptEnded(runId, 1);
    // The sweep stops only between thresholds; the worker reports the cancel without waiting for it.
    expect(new Date(ended.endedAt as Date).getTime() - canceledAt).toBeLessThan(HEARTBEAT_MS + 4_000);
    expect(run.status).toBe("canceled");
    expect(run.completedStages).toEqual(["load", "train", "statistics"]);
    const artifacts = await platform.owner.artifact.list({ runId, limit: 100 });
    expect(artifacts.items.map((artifact) => artifact.name).sort()).toEqual([
      "models/base/model.json",
      "models/base/weights.bin",
      "stats.json",
    ]);
    // Nothing lands after the cancel: the sweep's results are not recorded. The sweep cannot be
    // interrupted, so it goes on after the cancel is reported; the worker process exits only once it
    // has run to its end (its last step is the one that would record results), so wait for the exit.
    worker.process.kill("SIGTERM");
    await waitFor(
      "the worker to exit once the canceled sweep has run out",
      () => worker.process.exitCode !== null || worker.process.signalCode !== null,
      90_000,
    );
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect((await platform.owner.result.rows({ runId })).rows).toEqual([]);
    expect((await platform.run(runId)).status).toBe("canceled");
  }, 240_000);
});

describe("SIGTERM", () => {
  it("releases the run in the middle of training back to the queue and exits 0; another worker completes it", async () => {
    const worker = spawnWorker(platform.url, token, "stopped-worker");
    const [runId] = (await platform.queue("sigterm mid-training", {
      ...LONG_TRAINING,
      training: { epochs: 30, batchSize: 32 },
    })) as [string];
    await waitFor(
      "the stopped worker to hold the run",
      async () => (await platform.run(runId)).worker === "stopped-worker",
    );
    await training(runId);
    const stoppedAt = Date.now();
    worker.process.kill("SIGTERM");
    const exit = await worker.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    const released = await platform.run(runId);
    expect(released.status).toBe("queued");
    expect(released.attempts.map((attempt) => attempt.outcome)).toEqual(["released"]);
    // A release does not use up an attempt.
    expect(released.maxAttempts).toBe(4);
    expect(worker.log()).toContain(`run ${runId} attempt 1: released`);

    spawnWorker(platform.url, token, "next-worker");
    const done = await waitFor(
      "the released run to succeed",
      async () => {
        const run = await platform.run(runId);
        return run.status === "succeeded" ? run : undefined;
      },
      90_000,
    );
    expect(done.attempts.map((attempt) => [attempt.worker, attempt.outcome])).toEqual([
      ["stopped-worker", "released"],
      ["next-worker", "succeeded"],
    ]);
  }, 240_000);
});
