import { Worker, type WorkerOptions } from "node:worker_threads";
import { rejectedDeadweightError } from "@deadweight/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dataset } from "../../src/data/dataset.js";
import { measureModelActivations } from "../../src/experiment/experiment-stages.js";
import { disposeDenseLayers, uploadDenseLayer } from "../../src/model/dense-forward.js";
import type { MlpWeights } from "../../src/model/mlp-weights.js";
import type { PruningThreshold } from "../../src/pruning/pruning-threshold.js";
import { measureActivations } from "../../src/stats/measure-activations.js";
import { runThresholdSweep, type ThresholdSweep } from "../../src/sweep/run-threshold-sweep.js";
import type { SweepRow } from "../../src/sweep/sweep-row.js";
import { expandThresholdGrid } from "../../src/sweep/threshold-grid.js";
import {
  type ComputeThreads,
  type ComputeThreadsOptions,
  openComputeThreads,
  withComputeThreads,
} from "../../src/threads/compute-threads.js";
import { denseLayer, editedWeights, randomMlpWeights } from "../mlp-fixtures.js";
import { randomFeatures } from "../synthetic-datasets.js";
import { expectNoTensorLeak } from "../tensor-leaks.js";

/** Starts real threads and remembers each, so a test can see whether every one has exited. */
function watchedThreads() {
  const running = new Set<Worker>();
  const startThread = (entry: URL, options: WorkerOptions) => {
    const thread = new Worker(entry, options);
    running.add(thread);
    thread.once("exit", () => running.delete(thread));
    return thread;
  };
  return { startThread, running };
}

function options(threads: number, startThread: ComputeThreadsOptions["startThread"]): ComputeThreadsOptions {
  return { threads, backend: "wasm", ...(startThread === undefined ? {} : { startThread }) };
}

/** Six samples, x0 exact binary fractions in [0, 3] (as the single-thread statistics tests use). */
const SIX_SAMPLES: Dataset = {
  name: "six",
  features: Float32Array.from([0, 1, 0.25, -1, 0.5, 2, 1, 0.5, 2, -3, 3, 4]),
  labels: Int32Array.from([0, 1, 0, 1, 0, 1]),
  featureCount: 2,
  classCount: 2,
};

/** Layer 1: [relu(-1) = 0, 0.5, relu(x0) = x0]; layer 2: [1 + x0, 0]. Every activation exact in float32. */
const HAND_BUILT: MlpWeights = {
  layers: [
    denseLayer(2, 3, [0, 0, 1, 0, 0, 0], [-1, 0.5, 0], "relu"),
    denseLayer(3, 2, [5, 5, 2, 0, 1, -1], [0, 0], "relu"),
    denseLayer(2, 2, [1, 0, 0, 1], [0, 0], "softmax"),
  ],
};

/** A small MLP (12-32-16-4) on 1,000 random samples: enough chunks of 64 that each thread merges several. */
const MLP = randomMlpWeights([12, 32, 16, 4], 7, "relu", 0.6);
const SAMPLES: Dataset = {
  name: "random",
  features: randomFeatures(1000, 12, 11),
  labels: Int32Array.from({ length: 1000 }, (_, i) => i % 4),
  featureCount: 12,
  classCount: 4,
};
const TEST_SAMPLES: Dataset = {
  ...SAMPLES,
  name: "random test",
  features: randomFeatures(400, 12, 12),
  labels: SAMPLES.labels.subarray(0, 400),
};

async function measureInThisThread(weights: MlpWeights, dataset: Dataset, chunkSize: number) {
  const layers = weights.layers.map(uploadDenseLayer);
  try {
    return await measureActivations(layers, dataset, { chunkSize });
  } finally {
    disposeDenseLayers(layers);
  }
}

/** Every field of a row but its latency, which is a timing (measured in whichever thread ran the row). */
function withoutLatency(rows: readonly SweepRow[]): Omit<SweepRow, "latencyMsPerSample">[] {
  return rows.map(({ latencyMsPerSample: _latency, ...row }) => row);
}

describe("compute threads (real worker threads, each with its own wasm backend)", () => {
  const watched = watchedThreads();
  let pool: ComputeThreads;
  beforeAll(async () => {
    pool = await openComputeThreads(options(2, watched.startThread));
  }, 120_000);
  afterAll(async () => {
    await pool?.close();
  });

  it("measures the hand-built network over 2 threads exactly as by hand and as one thread does", async () => {
    const single = await measureModelActivations(HAND_BUILT, SIX_SAMPLES);
    // Chunks of 2: thread 1 takes samples 0-3, thread 2 samples 4-5.
    const parallel = await pool.measureActivations(HAND_BUILT, SIX_SAMPLES, { chunkSize: 2 });
    expect(parallel).toEqual(single);
    const [dead, constant, identity] = parallel.layers[0]?.neurons ?? [];
    expect(dead).toEqual({ mean: 0, std: 0, min: 0, max: 0, apoz: 1 });
    expect(constant).toEqual({ mean: 0.5, std: 0, min: 0.5, max: 0.5, apoz: 0 });
    // x0 = 0, 0.25, 0.5, 1, 2, 3: mean 1.125, population variance 6.71875 / 6.
    expect(identity?.mean).toBe(1.125);
    expect(Math.abs((identity?.std as number) - Math.sqrt(6.71875 / 6))).toBeLessThanOrEqual(1e-15);
    expect(parallel.sampleCount).toBe(6);
  });

  it("gives a small MLP's statistics bit for bit equal to one thread's, histograms included", async () => {
    // Chunks of 64: 16 chunks, 8 per thread, each thread's chunk moments merged in sample order.
    const single = await measureInThisThread(MLP, SAMPLES, 64);
    const progress: number[] = [];
    const parallel = await pool.measureActivations(MLP, SAMPLES, {
      chunkSize: 64,
      onProgress: ({ samplesDone }) => progress.push(samplesDone),
    });
    expect(parallel).toEqual(single);
    expect(progress.at(-1)).toBe(1000);
    expect(progress.every((done, i) => i === 0 || done >= (progress[i - 1] as number))).toBe(true);
  });

  it("sweeps 30 thresholds into the rows one thread gives, in the same order", async () => {
    const stats = await measureModelActivations(MLP, SAMPLES);
    const thresholds: PruningThreshold[] = expandThresholdGrid({
      kind: "meanStd",
      means: [0, 0.05, 0.1, 0.2, 0.3, 0.5],
      stds: [0.1, 0.2, 0.4, 0.6, 1],
    });
    const input = { weights: MLP, stats, validation: SAMPLES, test: TEST_SAMPLES, thresholds };
    const single: ThresholdSweep = await runThresholdSweep(input);
    const seen: number[] = [];
    const parallel = await expectNoTensorLeak(() =>
      pool.runThresholdSweep({ ...input, onProgress: ({ done }) => seen.push(done) }),
    );
    expect(parallel.rows).toHaveLength(30);
    expect(withoutLatency(parallel.rows)).toEqual(withoutLatency(single.rows));
    expect({ ...parallel.base, latencyMsPerSample: 0 }).toEqual({ ...single.base, latencyMsPerSample: 0 });
    // Not every threshold may prune the same: the fixture must make the comparison mean something.
    expect(new Set(parallel.rows.map((row) => row.keptNeuronTotal)).size).toBeGreaterThan(2);
    expect(seen.at(-1)).toBe(30);
  });

  it("reports a NaN activation with the same error as one thread, then goes on working", async () => {
    const broken = editedWeights(MLP, (layers) => {
      // Second hidden layer, neuron 3: NaN from the first sample on.
      (layers[1] as { bias: Float32Array }).bias[3] = Number.NaN;
    });
    const single = await rejectedDeadweightError(measureModelActivations(broken, SAMPLES));
    const parallel = await rejectedDeadweightError(pool.measureActivations(broken, SAMPLES, { chunkSize: 64 }));
    expect(parallel.code).toBe("NON_FINITE_ACTIVATION");
    expect(parallel.message).toBe(single.message);
    expect(parallel.message).toContain("hidden layer 2, neuron 3: activation is NaN on sample 0");
    // A NaN only in the second thread's samples names the global sample index.
    const lateNaN: Dataset = { ...SAMPLES, features: Float32Array.from(SAMPLES.features) };
    lateNaN.features[700 * 12] = Number.NaN;
    const late = await rejectedDeadweightError(pool.measureActivations(MLP, lateNaN, { chunkSize: 64 }));
    expect(late.message).toBe((await rejectedDeadweightError(measureModelActivations(MLP, lateNaN))).message);
    expect(late.message).toContain("on sample 700");
    expect((await pool.measureActivations(HAND_BUILT, SIX_SAMPLES)).sampleCount).toBe(6);
  });

  it("leaves no tensor in the calling thread", async () => {
    await expectNoTensorLeak(() => pool.measureActivations(MLP, SAMPLES, { chunkSize: 64 }));
  });
});

describe("no compute thread is left behind", () => {
  it("after a finished call, a failed call, and a refused start", async () => {
    const watched = watchedThreads();
    const stats = await withComputeThreads(options(2, watched.startThread), (threads) =>
      threads.measureActivations(HAND_BUILT, SIX_SAMPLES, { chunkSize: 2 }),
    );
    expect(stats.sampleCount).toBe(6);
    expect(watched.running.size).toBe(0);

    const broken = editedWeights(HAND_BUILT, (layers) => {
      (layers[0] as { bias: Float32Array }).bias[1] = Number.NaN;
    });
    const failed = await rejectedDeadweightError(
      withComputeThreads(options(2, watched.startThread), (threads) =>
        threads.measureActivations(broken, SIX_SAMPLES, { chunkSize: 2 }),
      ),
    );
    expect(failed.code).toBe("NON_FINITE_ACTIVATION");
    expect(watched.running.size).toBe(0);

    // tfjs-node cannot install here (STACK.md): every thread fails to start its backend.
    const refused = await rejectedDeadweightError(
      openComputeThreads({ threads: 2, backend: "tensorflow", startThread: watched.startThread }),
    );
    expect(refused.code).toBe("COMPUTE_THREAD_FAILED");
    expect(refused.message).toContain("could not start its backend");
    expect(watched.running.size).toBe(0);
  }, 120_000);

  it("fails the calls in flight with COMPUTE_THREAD_FAILED when a thread dies, and close still ends the rest", async () => {
    const watched = watchedThreads();
    const threads = await openComputeThreads(options(2, watched.startThread));
    const [first] = [...watched.running];
    const call = threads.measureActivations(MLP, SAMPLES, { chunkSize: 64 });
    await first?.terminate();
    const error = await rejectedDeadweightError(call);
    expect(error.code).toBe("COMPUTE_THREAD_FAILED");
    expect(error.message).toContain("threads: 1");
    await threads.close();
    expect(watched.running.size).toBe(0);
  }, 120_000);

  it("refuses a thread count that is not a positive integer before starting any", async () => {
    const watched = watchedThreads();
    const error = await rejectedDeadweightError(openComputeThreads(options(0, watched.startThread)));
    expect(error).toMatchObject({ code: "INVALID_OPTION", message: "threads must be a positive integer, got 0" });
    expect(watched.running.size).toBe(0);
  });
});
