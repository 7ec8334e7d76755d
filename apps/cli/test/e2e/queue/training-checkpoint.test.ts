import { decodeTrainingCheckpoint, type TrainingCheckpoint } from "@deadweight/core";
import { TRAINING_CHECKPOINT_NAME } from "@deadweight/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import { runDeadweightAsync } from "../run-deadweight.js";
import {
  artifactSha,
  finishedRun,
  type SpawnedWorker,
  spawnWorker,
  startTestPlatform,
  type TestPlatform,
  waitFor,
} from "./queue-fixtures.js";

// kill -9 of the worker holding a run in the middle of training, right after it stored the training
// checkpoint of epoch 3 of 6 (--checkpoint-minutes 0: one per epoch): the other worker claims the run
// after the lease expires and goes on at epoch 4 with the same Adam state, and the base model it ends
// with is byte for byte the one an uninterrupted run of the same seed trains.

let platform: TestPlatform;
let token: string;
const workers = new Map<string, SpawnedWorker>();

// Epochs of a second or two here, so polling every 25 ms sees each checkpoint before the next one.
const CONFIG = {
  dataset: "mnist",
  seed: 9,
  split: { maxTrainSamples: 4000, maxTestSamples: 300 },
  model: { hidden: [48] },
  training: { epochs: 6, batchSize: 32 },
  pruning: { means: [0, 0.1], stds: [0.2, 1] },
};

function startWorker(name: string): SpawnedWorker {
  const worker = spawnWorker(platform.url, token, name, ["--checkpoint-minutes", "0"]);
  workers.set(name, worker);
  return worker;
}

/** The run's stored training checkpoint, read back from the artifact store; undefined while there is none. */
async function storedCheckpoint(runId: string): Promise<TrainingCheckpoint | undefined> {
  const artifacts = await platform.owner.artifact.list({ runId, limit: 100 });
  const artifact = artifacts.items.find((item) => item.name === TRAINING_CHECKPOINT_NAME);
  if (artifact === undefined) return undefined;
  let opened: Awaited<ReturnType<TestPlatform["server"]["store"]["artifacts"]["open"]>>;
  try {
    opened = await platform.server.store.artifacts.open(artifact.sha256);
  } catch {
    return undefined;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of opened.stream) chunks.push(chunk as Buffer);
  return decodeTrainingCheckpoint(new Uint8Array(Buffer.concat(chunks)), `${artifact.name} of run ${runId}`);
}

function waitUntilDone(runId: string) {
  return finishedRun(platform, runId, 180_000);
}

function baseWeightsSha(runId: string): Promise<string | undefined> {
  return artifactSha(platform, runId, "models/base/weights.bin");
}

beforeAll(async () => {
  platform = await startTestPlatform();
  token = await platform.createToken("worker");
  startWorker("ckpt-a");
  startWorker("ckpt-b");
});

describe("kill -9 at epoch 3 of 6, with a checkpoint every epoch", () => {
  let runId: string;
  let killedName: string;
  let checkpointAtKill: TrainingCheckpoint;
  const epochsSeenOnAttempt2: number[] = [];
  let uninterruptedSha: string | undefined;

  beforeAll(async () => {
    [runId] = (await platform.queue("checkpoint resume", CONFIG)) as [string];
    checkpointAtKill = await waitFor(
      "the checkpoint of epoch 3",
      async () => {
        const checkpoint = await storedCheckpoint(runId);
        return checkpoint !== undefined && checkpoint.epoch >= 3 ? checkpoint : undefined;
      },
      120_000,
      25,
    );
    const run = await platform.run(runId);
    killedName = run.worker as string;
    const holder = workers.get(killedName) as SpawnedWorker;
    holder.process.kill("SIGKILL");
    await holder.exited;
    workers.delete(killedName);
    // Watch the second attempt's training progress until training is reported done.
    await waitFor(
      "the second attempt to finish training",
      async () => {
        const current = await platform.run(runId);
        const progress = current.progress as { stage?: string; epoch?: number } | null;
        if (current.attempt === 2 && progress?.stage === "train" && progress.epoch !== undefined) {
          epochsSeenOnAttempt2.push(progress.epoch);
        }
        return (
          current.completedStages.includes("train") || (current.status !== "queued" && current.status !== "running")
        );
      },
      180_000,
      50,
    );
    await waitUntilDone(runId);
    // The same configuration and seed, never interrupted, on the surviving worker.
    const [control] = (await platform.queue("checkpoint control", CONFIG)) as [string];
    const done = await waitUntilDone(control);
    expect(done.status, done.errorMessage ?? "").toBe("succeeded");
    uninterruptedSha = await baseWeightsSha(control);
  }, 400_000);

  it("was killed right after the checkpoint of epoch 3, and another worker completed the run", async () => {
    expect(checkpointAtKill.epoch).toBe(3);
    expect(checkpointAtKill.optimizer.iterations).toBe(3 * Math.ceil(checkpointAtKill.trainSamples / 32));
    expect(checkpointAtKill.curve.map((epoch) => epoch.epoch)).toEqual([1, 2, 3]);
    const run = await platform.run(runId);
    expect(run.status, run.errorMessage ?? "").toBe("succeeded");
    expect(run.attempts.map((attempt) => [attempt.worker, attempt.outcome, attempt.resumedAtEpoch])).toEqual([
      [killedName, "lease-expired", null],
      [run.worker, "succeeded", 4],
    ]);
  });

  it("resumed at epoch 4, not 1: its log, its training curve and `deadweight status --run` say so", async () => {
    const run = await platform.run(runId);
    const survivor = workers.get(run.worker ?? "") as SpawnedWorker;
    expect(survivor.log()).toContain(
      `run ${runId} attempt 2: no earlier attempt finished training, one stored a training checkpoint: going on from it`,
    );
    expect(survivor.log()).toContain(
      `run ${runId} attempt 2: resuming training at epoch 4 from the checkpoint of epoch 3 stored by an earlier attempt`,
    );
    // Progress is sent with heartbeats (every few seconds), so the second attempt's few epochs may all
    // pass between two polls; whatever was seen of it is past the checkpoint.
    for (const epoch of epochsSeenOnAttempt2) expect(epoch).toBeGreaterThanOrEqual(4);
    // The training curve keeps the first attempt's epochs 1-3 and goes on with the second's 4-6.
    const curve = run.trainingCurve;
    expect(curve?.attempt).toBe(2);
    expect((run.progress as { resumedAtEpoch?: number } | null)?.resumedAtEpoch).toBe(4);
    const epochs = curve?.points.map((point) => point.epoch) ?? [];
    // The killed attempt's steps are kept only if a heartbeat carried them before the kill (epochs
    // take about a second here, beats come every few): the curve never starts again at epoch 1.
    expect(epochs).toEqual(expect.arrayContaining([4, 5, 6]));
    expect([...epochs].sort((a, b) => a - b)).toEqual(epochs);
    const status = await runDeadweightAsync([
      "status",
      "--run",
      runId,
      "--server",
      platform.url,
      "--token",
      await platform.createToken("user"),
    ]);
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toContain(
      "attempt 2 resumed training at epoch 4 from the checkpoint an earlier attempt stored",
    );
  });

  it("trained the base model an uninterrupted run trains: the same weights.bin, byte for byte", async () => {
    const resumedSha = await baseWeightsSha(runId);
    expect(resumedSha).toMatch(/^[0-9a-f]{64}$/);
    expect(resumedSha).toBe(uninterruptedSha);
  });

  it("removed the checkpoint once the run succeeded", async () => {
    const artifacts = await platform.owner.artifact.list({ runId, limit: 100 });
    const names = artifacts.items.map((artifact) => artifact.name);
    expect(names).not.toContain(TRAINING_CHECKPOINT_NAME);
    expect(names).toContain("models/base/weights.bin");
  });
});
