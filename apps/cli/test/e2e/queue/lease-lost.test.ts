import { beforeAll, describe, expect, it } from "vitest";
import {
  childProcessesOf,
  LEASE_SECONDS,
  type SpawnedWorker,
  spawnWorker,
  startTestPlatform,
  type TestPlatform,
  waitFor,
} from "./queue-fixtures.js";

// A worker frozen (SIGSTOP: a long pause, a suspended laptop) for longer than its lease loses the
// run to another worker; when it wakes up it must stop working on it and report nothing.

/** Signals the worker and the processes it started (its runs'), as suspending the machine would. */
function signalWithChildren(pid: number, signal: NodeJS.Signals) {
  const children = childProcessesOf(pid);
  process.kill(pid, signal);
  for (const child of children) process.kill(child, signal);
}

let platform: TestPlatform;
let frozen: SpawnedWorker;
let runId: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  const token = await platform.createToken("worker");
  frozen = spawnWorker(platform.url, token, "frozen");
  [runId] = (await platform.queue("lease lost", {
    dataset: "mnist",
    split: { maxTrainSamples: 5000, maxTestSamples: 500 },
    model: { hidden: [64] },
    training: { epochs: 30, batchSize: 32 },
    pruning: { means: [0, 0.1], stds: [0.2, 1] },
  })) as [string];
  await waitFor("the run to be training", async () => {
    const run = await platform.run(runId);
    return run.worker === "frozen" && (run.progress as { epoch?: number } | null)?.epoch !== undefined;
  });
  signalWithChildren(frozen.process.pid as number, "SIGSTOP");
  spawnWorker(platform.url, token, "awake");
  await waitFor(
    "the awake worker to claim the run",
    async () => (await platform.run(runId)).worker === "awake",
    90_000,
  );
  signalWithChildren(frozen.process.pid as number, "SIGCONT");
  await waitFor(
    "the frozen worker to give the run up",
    () => frozen.log().includes(`run ${runId} attempt 1: lease lost`),
    (LEASE_SECONDS + 5) * 1000,
  );
  await waitFor("the run to succeed", async () => (await platform.run(runId)).status === "succeeded", 40_000);
}, 240_000);

describe("a worker that lost its lease", () => {
  it("stops without finishing the run; the worker that took it over finishes it", async () => {
    const run = await platform.run(runId);
    expect(run.attempts.map((attempt) => [attempt.worker, attempt.outcome])).toEqual([
      ["frozen", "lease-expired"],
      ["awake", "succeeded"],
    ]);
    expect(frozen.log()).toMatch(
      new RegExp(`run ${runId} attempt 1: lease lost \\(.*\\); left to the server, not finished`),
    );
    expect(frozen.log()).not.toContain(`run ${runId} attempt 1: succeeded`);
  });

  it("goes on polling for other work", async () => {
    expect(frozen.process.exitCode).toBeNull();
    const [next] = (await platform.queue("after waking up", {
      dataset: "mnist",
      split: { maxTrainSamples: 600, maxTestSamples: 200 },
      model: { hidden: [16] },
      training: { epochs: 1 },
      pruning: { means: [0], stds: [1] },
    })) as [string];
    const done = await waitFor("the next run to succeed", async () => {
      const run = await platform.run(next);
      return run.status === "succeeded" ? run : undefined;
    });
    expect(["frozen", "awake"]).toContain(done.worker);
  });
});
