import { beforeAll, describe, expect, it } from "vitest";
import { type SpawnedWorker, spawnWorker, startTestPlatform, type TestPlatform, waitFor } from "./queue-fixtures.js";

// One worker with --concurrency 2 runs two runs at once, each in a process of its own (the default): both are seen
// training at the same moment, and both complete.

let platform: TestPlatform;
let worker: SpawnedWorker;
let runIds: string[];
/** The first moment both runs reported training progress together: each run's epoch then. */
let bothTraining: { readonly epochs: readonly number[] };

// Several epochs of a few seconds each, so the two trainings overlap for many polls.
const CONFIG = {
  dataset: "mnist",
  split: { maxTrainSamples: 4000, maxTestSamples: 300 },
  model: { hidden: [48] },
  training: { epochs: 5, batchSize: 32 },
  pruning: { means: [0, 0.1], stds: [0.2, 1] },
};

beforeAll(async () => {
  platform = await startTestPlatform();
  const token = await platform.createToken("worker");
  worker = spawnWorker(platform.url, token, "worker-2", ["--concurrency", "2"]);
  await waitFor("the worker to poll", () => worker.log().includes("polling"), 30_000);
  runIds = await platform.queue("two at once", CONFIG, 2);
  bothTraining = await waitFor(
    "both runs to be training at the same time",
    async () => {
      const runs = await Promise.all(runIds.map((runId) => platform.run(runId)));
      const progress = runs.map((run) => run.progress as { stage?: string; epoch?: number } | null);
      const training = runs.every((run, index) => run.status === "running" && progress[index]?.stage === "train");
      return training ? { epochs: progress.map((entry) => entry?.epoch ?? 0) } : undefined;
    },
    120_000,
    100,
  );
  await waitFor(
    "both runs to finish",
    async () => {
      const runs = await Promise.all(runIds.map((runId) => platform.run(runId)));
      return runs.every((run) => run.status !== "queued" && run.status !== "running");
    },
    240_000,
    250,
  );
}, 400_000);

describe("one worker, --concurrency 2", () => {
  it("trains both runs at the same time, each in a process of its own", () => {
    expect(bothTraining.epochs).toHaveLength(2);
    expect(worker.log()).toContain("concurrency 2, a process per run");
  });

  it("completes both runs, on that worker, in one attempt each", async () => {
    const runs = await Promise.all(runIds.map((runId) => platform.run(runId)));
    for (const run of runs) {
      expect(run.status, `${run.id}: ${run.errorMessage}`).toBe("succeeded");
      expect(run.worker).toBe("worker-2");
      expect(run.attempts.map((attempt) => attempt.outcome)).toEqual(["succeeded"]);
      expect(run.completedStages).toEqual(["load", "train", "statistics", "sweep", "export", "deploy"]);
    }
  });
});
