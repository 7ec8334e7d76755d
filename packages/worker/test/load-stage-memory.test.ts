// The load stage checks a run's memory estimate against its share before the network is allocated,
// and counts the compute threads the run will start: plain wasm (no OpenBLAS) with `threads` > 1
// spreads its statistics pass and sweep over that many threads, each with its own runtime and copies.
// This file's process computes without OpenBLAS (each test file runs in a process of its own).
process.env.DEADWEIGHT_OPENBLAS = "off";

import { DeadweightError, usesComputeThreads } from "@deadweight/core";
import { describe, expect, it } from "vitest";
import { workerDatasets } from "../src/datasets/worker-datasets.js";
import { ProgressBoard } from "../src/pipeline/progress-board.js";
import type { StageContext } from "../src/pipeline/stage-context.js";
import { loadStage } from "../src/pipeline/stages/load-stage.js";

const MIB = 2 ** 20;

function contextFor(threads: number, maxMemoryBytes: number): StageContext {
  return {
    api: {} as StageContext["api"],
    run: {
      id: `run-threads-${threads}`,
      attempt: 1,
      experimentName: "memory",
      seed: 3,
      config: {
        dataset: "mnist",
        split: { maxTrainSamples: 1000, maxTestSamples: 200 },
        model: { hidden: [32] },
        backend: "wasm",
        threads,
      },
    },
    signal: new AbortController().signal,
    progress: new ProgressBoard(),
    settings: { maxMemoryBytes, threadsPerRun: 4, datasets: workerDatasets({}) },
    log: () => {},
  } as unknown as StageContext;
}

async function refusal(threads: number, maxMemoryBytes: number): Promise<DeadweightError> {
  const error = await loadStage(contextFor(threads, maxMemoryBytes)).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DeadweightError);
  return error as DeadweightError;
}

describe("loadStage's memory check", () => {
  it("loads a run with 2 threads on plain wasm, which will compute on 2 compute threads", async () => {
    const loaded = await loadStage(contextFor(2, 4096 * MIB));
    expect(loaded.backend.openBlas).toBeUndefined();
    expect(loaded.backend.threads).toBe(2);
    expect(usesComputeThreads(loaded.backend)).toBe(true);
  });

  it("counts the compute threads: the same run needs more with 3 threads, and says fewer would help", async () => {
    const needs = (message: string) => Number(/needs about (\d+) MiB/.exec(message)?.[1]);
    const oneThread = await refusal(1, MIB);
    const threeThreads = await refusal(3, MIB);
    expect(oneThread.code).toBe("RUN_TOO_LARGE");
    expect(oneThread.message).not.toContain("compute threads");
    expect(threeThreads.message).toMatch(/or fewer threads \(compute threads \d+ MiB\)/);
    // Each compute thread is at least its own runtime (96 MiB).
    expect(needs(threeThreads.message) - needs(oneThread.message)).toBeGreaterThanOrEqual(3 * 96);
  });

  it("fails a run whose compute threads alone take it over its share, and loads it with one thread", async () => {
    const share = 512 * MIB;
    expect((await refusal(8, share)).message).toMatch(/needs about \d+ MiB \(compute threads \d+ MiB, /);
    const loaded = await loadStage(contextFor(1, share));
    expect(loaded.backend.threads).toBe(1);
  });
});
