import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SpawnedWorker, spawnWorker, startTestPlatform, type TestPlatform, waitFor } from "./queue-fixtures.js";

// A worker allowing 2 threads per run runs an experiment that asks for 4: its statistics and sweep
// run on 2 compute threads, the run says so, and it completes like any run.

let platform: TestPlatform;
let worker: SpawnedWorker;
let runId: string;

// 12,000 training samples: 1,200 validation samples, two statistics chunks of 1,024, one per thread.
const CONFIG = {
  dataset: "mnist",
  split: { maxTrainSamples: 12_000, maxTestSamples: 500 },
  model: { hidden: [32, 16] },
  training: { epochs: 1, batchSize: 64 },
  pruning: { means: [0, 0.1, 0.3], stds: [0.2, 1] },
  threads: 4,
};

beforeAll(async () => {
  platform = await startTestPlatform();
  const token = await platform.createToken("worker");
  worker = spawnWorker(platform.url, token, "worker-threads", ["--threads", "2"]);
  await waitFor("the worker to poll", () => worker.log().includes("polling"), 30_000);
  [runId] = (await platform.queue("on two threads", CONFIG, 1)) as [string];
  await waitFor(
    "the run to finish",
    async () => {
      const run = await platform.run(runId);
      return run.status !== "queued" && run.status !== "running";
    },
    300_000,
    250,
  );
}, 400_000);

afterAll(async () => {
  // SIGTERM: the worker exits 0 with no run held; its compute threads ended with the run.
  worker?.process.kill("SIGTERM");
  expect((await worker?.exited)?.code).toBe(0);
});

describe("a worker with --threads 2 and an experiment asking for threads: 4", () => {
  it("says what it allows per run, and that this run got 2 of the 4 it asked for", () => {
    expect(worker.log()).toContain("up to 2 threads per run, lease");
    // With OpenBLAS (npm test installs it) the threads are its own, for every product; else compute threads.
    expect(worker.log()).toMatch(
      /2 threads for (every matrix product|statistics and sweep) \(the experiment asks for 4; this worker allows 2 per run\)/,
    );
  });

  it("completes the run with all its rows and records 2 threads with its backend", async () => {
    const run = await platform.run(runId);
    expect(run.status, `${run.id}: ${run.errorMessage}`).toBe("succeeded");
    expect(run.completedStages).toEqual(["load", "train", "statistics", "sweep", "export", "deploy"]);
    expect(run.backend?.threads).toBe(2);
  });
});
