import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  artifactSha,
  finishedRun,
  type SpawnedWorker,
  spawnWorker,
  startTestPlatform,
  type TestPlatform,
  waitFor,
} from "./queue-fixtures.js";

// A worker runs its next run in the thread or process its last run completed in (--keep-warm): the
// second of two identical runs (same configuration, same seed) runs in that warm thread or process
// and trains, measures and sweeps exactly what the first did in a fresh one: nothing of a run carries
// over to the next. Once with each isolation: a process per run (the default), then --isolate thread.

let platform: TestPlatform;

const CONFIG = {
  dataset: "mnist",
  seed: 5,
  split: { maxTrainSamples: 2000, maxTestSamples: 300 },
  model: { hidden: [32] },
  training: { epochs: 2, batchSize: 32 },
  pruning: { means: [0, 0.1], stds: [0.2, 1] },
};

/** A run's base metrics and rows without what measures time (latency): what the same seed must reproduce. */
async function rowsOf(runId: string) {
  const { base, rows } = await platform.owner.result.rows({ runId });
  const { latencyMsPerSample: _latency, ...baseMetrics } = base ?? {};
  return {
    base: baseMetrics,
    rows: rows.map(({ id: _id, runId: _run, latencyMsPerSample: _latency, bundles: _bundles, ...row }) => row),
  };
}

beforeAll(async () => {
  platform = await startTestPlatform();
}, 60_000);

describe.each(["process", "thread"] as const)("a worker with --keep-warm 60 and a %s per run", (side) => {
  let worker: SpawnedWorker;
  let fresh: string;
  let warm: string;

  beforeAll(async () => {
    const isolation = side === "thread" ? ["--isolate", "thread"] : [];
    worker = spawnWorker(platform.url, await platform.createToken("worker"), `warm-${side}-worker`, [
      "--keep-warm",
      "60",
      ...isolation,
    ]);
    await waitFor("the worker to poll", () => worker.log().includes("polling"), 30_000);
    [fresh] = (await platform.queue(`in a fresh ${side}`, CONFIG)) as [string];
    await finishedRun(platform, fresh, 180_000);
    [warm] = (await platform.queue(`in the warm ${side}`, CONFIG)) as [string];
    await finishedRun(platform, warm, 180_000);
  }, 400_000);

  afterAll(async () => {
    // SIGTERM: the worker ends its warm thread or process and exits 0.
    worker?.process.kill("SIGTERM");
    expect((await worker?.exited)?.code).toBe(0);
  });

  it(`says so, and runs the second run in the ${side} the first completed in`, () => {
    expect(worker.log()).toContain(`a ${side} per run, kept warm 60 s for the next`);
    expect(worker.log()).not.toContain(`run ${fresh}: in a warm ${side}`);
    expect(worker.log()).toContain(`run ${warm}: in a warm ${side} (1 run(s) before it)`);
  });

  it("completes both runs with the same base model, statistics and rows", async () => {
    for (const runId of [fresh, warm]) {
      const run = await platform.run(runId);
      expect(run.status, `${run.id}: ${run.errorMessage}`).toBe("succeeded");
    }
    for (const name of ["models/base/model.json", "models/base/weights.bin", "stats.json"]) {
      const [first, second] = await Promise.all([
        artifactSha(platform, fresh, name),
        artifactSha(platform, warm, name),
      ]);
      expect(first, name).toBeDefined();
      expect(second, name).toBe(first);
    }
    const [first, second] = await Promise.all([rowsOf(fresh), rowsOf(warm)]);
    expect(second.rows.length).toBeGreaterThan(0);
    expect(second).toEqual(first);
  });
});
