import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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

// Runs that cannot succeed, queued between good runs, with one worker: each fails at its first
// attempt with a reason a person can act on, and the good runs behind them complete.

let platform: TestPlatform;
let worker: SpawnedWorker;
const runs: Record<string, string> = {};
let badCsv: string;
let badIdx: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  const folder = temporaryFolder();
  const goodCsv = writeBlobsCsv(folder, "good.csv", 600);
  badCsv = join(folder, "corrupt.csv");
  writeFileSync(badCsv, "f0,f1,label\n0.1,0.2,0\n0.3,oops,1\n0.5,0.6,0\n");
  badIdx = join(folder, "corrupt-idx");
  mkdirSync(badIdx);
  for (const file of [
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
  ]) {
    writeFileSync(join(badIdx, file), Buffer.from([0, 0, 4, 210, 0, 0, 0, 1, 1, 2, 3]));
  }
  const queue = async (name: string, config: Record<string, unknown>) => {
    [runs[name]] = (await platform.queue(name, config)) as [string];
  };
  await queue("corrupt csv", tinyConfig(`csv:${badCsv}`));
  await queue("good 1", tinyConfig(`csv:${goodCsv}`));
  await queue("corrupt idx", tinyConfig(`idx:${badIdx}`));
  await queue("good 2", tinyConfig(`csv:${goodCsv}`));
  await queue("too few samples", { ...tinyConfig(`csv:${goodCsv}`), split: { maxTrainSamples: 1 } });
  await queue("good 3", tinyConfig("mnist"));
  // 784-8192-8192-10 is within the server's limits, but about 1.8 GB of weights and Adam state is
  // above this worker's 1 GiB (the MNIST runs need about 0.5).
  await queue("too large for the worker", { ...tinyConfig("mnist"), model: { hidden: [8192, 8192] } });
  await queue("good 4", tinyConfig("mnist"));
  worker = spawnWorker(platform.url, await platform.createToken("worker"), "poison-worker", ["--max-memory", "1GiB"]);
  await waitFor(
    "every run to finish",
    async () => {
      const all = await Promise.all(Object.values(runs).map((runId) => platform.run(runId)));
      return all.every((run) => run.status !== "queued" && run.status !== "running");
    },
    90_000,
    200,
  );
}, 240_000);

describe("poison runs next to good ones", () => {
  it("completes the good runs", async () => {
    for (const name of ["good 1", "good 2", "good 3", "good 4"]) {
      const run = await platform.run(runs[name] as string);
      expect(run.status, `${name}: ${run.errorMessage}`).toBe("succeeded");
    }
  });

  it("fails each poison run at its first attempt, without retrying it", async () => {
    for (const name of ["corrupt csv", "corrupt idx", "too few samples", "too large for the worker"]) {
      const run = await platform.run(runs[name] as string);
      expect(run.status).toBe("failed");
      expect(run.attempt).toBe(1);
      expect(run.attempts.map((attempt) => attempt.outcome)).toEqual(["failed"]);
      expect(run.completedStages).toEqual([]);
    }
  });

  it("says what was wrong: the file, the line or the setting", async () => {
    const error = async (name: string) => (await platform.run(runs[name] as string)).errorMessage ?? "";
    expect(await error("corrupt csv")).toMatch(
      /^load: \[INVALID_DATASET\] .*corrupt\.csv.*line 3, column 2 .* not a number/,
    );
    // The cell is not quoted: an error must not become a way to read a worker's files.
    expect(await error("corrupt csv")).not.toContain("oops");
    expect(await error("corrupt idx")).toMatch(/^load: \[INVALID_DATASET\] .*train-images-idx3-ubyte.*magic/);
    expect(await error("too few samples")).toBe(
      "load: [INVALID_OPTION] only 1 training samples: too few to hold out 10% for validation and still train",
    );
    expect(await error("too large for the worker")).toMatch(
      /^load: \[RUN_TOO_LARGE\] this run needs about \d+ MiB \(weights \d+ MiB, optimizer \d+ MiB, .*; 73,\d{3},\d{3} parameters\) but this worker's memory per run \(--max-memory \/ --concurrency\) is 1024 MiB/,
    );
    expect(worker.log()).toMatch(/failed \(not retryable\): load: \[INVALID_DATASET\]/);
    expect(worker.log()).toMatch(/up to 1024 MiB per run/);
    expect(worker.process.exitCode).toBeNull();
  });
});
