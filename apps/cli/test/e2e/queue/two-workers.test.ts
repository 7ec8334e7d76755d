import { beforeAll, describe, expect, it } from "vitest";
import {
  type SpawnedWorker,
  spawnWorker,
  startTestPlatform,
  type TestPlatform,
  temporaryFolder,
  tinyConfig,
  waitFor,
  writeBlobsCsv,
} from "./queue-fixtures.js";

// Two real worker processes share one queue of ten small runs (eight on a CSV file, two on MNIST);
// the second works on two runs at once.
let platform: TestPlatform;
let workers: SpawnedWorker[];
let runIds: string[];

beforeAll(async () => {
  platform = await startTestPlatform();
  const token = await platform.createToken("worker");
  workers = [
    spawnWorker(platform.url, token, "worker-a"),
    spawnWorker(platform.url, token, "worker-b", ["--concurrency", "2"]),
  ];
  // Queue once both are polling, so the test sees them share the work rather than race to boot.
  for (const worker of workers) await waitFor("the worker to poll", () => worker.log().includes("polling"), 30_000);
  const csv = writeBlobsCsv(temporaryFolder(), "blobs.csv", 800);
  runIds = [
    ...(await platform.queue("blobs", tinyConfig(`csv:${csv}`), 8)),
    ...(await platform.queue("mnist", tinyConfig("mnist"), 2)),
  ];
  await waitFor(
    "all ten runs to finish",
    async () => {
      const runs = await Promise.all(runIds.map((runId) => platform.run(runId)));
      return runs.every((run) => run.status !== "queued" && run.status !== "running");
    },
    90_000,
    250,
  );
}, 240_000);

describe("two workers, ten runs", () => {
  it("completes every run, each with exactly one attempt", async () => {
    const runs = await Promise.all(runIds.map((runId) => platform.run(runId)));
    for (const run of runs) {
      expect(run.status, `${run.id}: ${run.errorMessage}`).toBe("succeeded");
      expect(run.attempt).toBe(1);
      expect(run.attempts.map((attempt) => attempt.outcome)).toEqual(["succeeded"]);
      expect(run.completedStages).toEqual(["load", "train", "statistics", "sweep", "export", "deploy"]);
      expect(Object.keys(run.timings ?? {}).sort()).toEqual([
        "deploy",
        "export",
        "load",
        "statistics",
        "sweep",
        "train",
      ]);
    }
  });

  it("shares the work between both workers", async () => {
    const runs = await Promise.all(runIds.map((runId) => platform.run(runId)));
    const byWorker = new Map<string, number>();
    for (const run of runs) byWorker.set(run.worker ?? "", (byWorker.get(run.worker ?? "") ?? 0) + 1);
    expect([...byWorker.keys()].sort()).toEqual(["worker-a", "worker-b"]);
  });

  it("stores every result row once: four thresholds per run, with the base model's metrics", async () => {
    for (const runId of runIds) {
      const results = await platform.owner.result.rows({ runId });
      expect(results.base?.hiddenSizes).toEqual([16]);
      expect(results.rows.map((row) => row.rowKey)).toEqual([
        "mean0-std0.2",
        "mean0-std1",
        "mean0.1-std0.2",
        "mean0.1-std1",
      ]);
    }
  });

  it("stores the base model, stats.json, the Pareto-front models and the chosen candidate's bundles of each run, each once", async () => {
    for (const runId of runIds) {
      const [artifacts, results, run] = await Promise.all([
        platform.owner.artifact.list({ runId, limit: 100 }),
        platform.owner.result.rows({ runId }),
        platform.run(runId),
      ]);
      const pareto = results.rows.filter((row) => row.pareto && row.status === "ok").map((row) => row.rowKey);
      const chosen = run.deployment?.chosen;
      const bundle = chosen === null || chosen === undefined ? null : `bundles/${chosen.rowKey}/${chosen.weights}`;
      const expected = [
        "models/base/model.json",
        "models/base/weights.bin",
        "stats.json",
        ...pareto.flatMap((id) => [`models/${id}/model.json`, `models/${id}/weights.bin`]),
        ...(bundle === null
          ? []
          : [
              `${bundle}/model-card.json`,
              ...["float16", "float32", "uint8"].flatMap((dtype) => [
                `${bundle}/${dtype}/model.json`,
                `${bundle}/${dtype}/weights.bin`,
              ]),
            ]),
      ];
      expect(artifacts.items.map((artifact) => artifact.name).sort()).toEqual(expected.sort());
      const weights = artifacts.items.find((artifact) => artifact.name === "models/base/weights.bin");
      expect(weights?.sizeBytes).toBe(results.base?.bytes);
    }
  });

  it("logs one claim per run across both workers", () => {
    const claims = workers.flatMap((worker) => worker.log().match(/run \S+ attempt 1\/3: claimed/g) ?? []);
    expect(claims).toHaveLength(10);
  });
});
