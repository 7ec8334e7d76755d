import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { type ExperimentSettings, runExperiment } from "../../src/experiment/run-experiment.js";
import { separableSplit } from "../synthetic-datasets.js";

// 2,500 validation samples: two chunks of 2048 samples, so the statistics pass really splits over both threads.
const SPLIT = separableSplit({ train: 300, validation: 2500, test: 200 }, 8, 81);
const SETTINGS: ExperimentSettings = {
  hiddenSizes: [16, 8],
  activation: "relu",
  epochs: 2,
  batchSize: 32,
  learningRate: 0.01,
  seed: 5,
  grid: { kind: "meanStd", means: [0, 0.05, 0.1, 0.3], stds: [0.1, 0.4, 1] },
  exportModels: "pareto",
  backend: "wasm",
};

describe("runExperiment with threads: 2", () => {
  it("gives the statistics, rows and exported models of threads: 1, and records the threads", async () => {
    const single = await runExperiment(SPLIT, SETTINGS);
    const before = tf.memory().numTensors;
    const threaded = await runExperiment(SPLIT, { ...SETTINGS, threads: 2 });
    expect(tf.memory().numTensors).toBe(before);

    expect(single.backend.threads).toBe(1);
    expect(threaded.backend.threads).toBe(2);
    // Training runs in the calling thread either way: the same weights, bit for bit.
    expect(threaded.weights).toEqual(single.weights);
    // Statistics: the shares' chunk moments merged in sample order give the single pass exactly.
    expect(threaded.stats).toEqual(single.stats);
    // Rows: everything but latency (a timing, measured in whichever thread ran the row).
    const comparable = (rows: typeof single.rows) => rows.map(({ latencyMsPerSample: _latency, ...row }) => row);
    expect(threaded.rows).toHaveLength(12);
    expect(comparable(threaded.rows)).toEqual(comparable(single.rows));
    expect(new Set(threaded.rows.map((row) => row.keptNeuronTotal)).size).toBeGreaterThan(1);
    expect([...threaded.models.keys()]).toEqual([...single.models.keys()]);
  }, 180_000);
});
