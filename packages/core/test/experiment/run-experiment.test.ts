import { rejectedDeadweightError } from "@deadweight/test-support";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type ExperimentEvent,
  type ExperimentResult,
  type ExperimentSettings,
  runExperiment,
} from "../../src/experiment/run-experiment.js";
import { importLayersModel } from "../../src/export/layers-model-files.js";
import { hiddenLayerSizes, parameterCount } from "../../src/model/mlp-weights.js";
import type { PruningThreshold } from "../../src/pruning/pruning-threshold.js";
import { separableSplit } from "../synthetic-datasets.js";

const SPLIT = separableSplit({ train: 300, validation: 100, test: 100 }, 8, 81);
const THRESHOLDS: PruningThreshold[] = [
  { kind: "meanStd", mean: 0, std: 0 },
  { kind: "stdFold", std: 0.05 },
  { kind: "rank", keepFraction: 0.5, score: "std" },
  { kind: "meanStd", mean: 1e6, std: 1e6 }, // empties every layer: a row, but no model
];
const SETTINGS: ExperimentSettings = {
  hiddenSizes: [16, 8],
  activation: "relu",
  epochs: 2,
  batchSize: 32,
  learningRate: 0.01,
  seed: 5,
  grid: { kind: "list", thresholds: THRESHOLDS },
  exportModels: "all",
  backend: "wasm",
};

let result: ExperimentResult;
const events: ExperimentEvent[] = [];
let leakedTensors = Number.NaN;

beforeAll(async () => {
  const before = tf.memory().numTensors;
  result = await runExperiment(SPLIT, SETTINGS, (event) => events.push(event));
  leakedTensors = tf.memory().numTensors - before;
});

describe("runExperiment", () => {
  it("announces the backend first, then runs train, statistics, sweep and export in order", () => {
    expect(events[0]).toEqual({ kind: "backend", backend: result.backend });
    expect(result.backend.name).toBe("wasm");
    const stageEvents = events.filter((event) => event.kind === "stage-started" || event.kind === "stage-finished");
    expect(stageEvents.map((event) => `${event.kind === "stage-started" ? "start" : "end"} ${event.stage}`)).toEqual([
      "start train",
      "end train",
      "start statistics",
      "end statistics",
      "start sweep",
      "end sweep",
      "start export",
      "end export",
    ]);
  });

  it("sends each progress event inside its own stage", () => {
    const stageOf: Record<string, string> = {
      training: "train",
      statistics: "statistics",
      sweep: "sweep",
      export: "export",
    };
    let current: string | null = null;
    const seen = new Set<string>();
    for (const event of events) {
      if (event.kind === "stage-started") current = event.stage;
      else if (event.kind === "stage-finished") current = null;
      else if (event.kind !== "backend") {
        expect(current).toBe(stageOf[event.kind]);
        seen.add(event.kind);
      }
    }
    expect([...seen].sort()).toEqual(["export", "statistics", "sweep", "training"]);
    const sweepEvents = events.filter((event) => event.kind === "sweep");
    expect(sweepEvents.map((event) => event.done)).toEqual([1, 2, 3, 4]);
    const lastTraining = events.filter((event) => event.kind === "training").at(-1);
    expect(lastTraining?.kind === "training" && [lastTraining.progress.epoch, lastTraining.progress.epochs]).toEqual([
      2, 2,
    ]);
  });

  it("records the settings, split, training and per-stage timings", () => {
    expect(result.settings).toBe(SETTINGS);
    expect(result.split).toEqual(SPLIT.record);
    expect(result.training.epochs).toHaveLength(2);
    // A separable problem: the trained base model is clearly better than chance.
    expect(result.base.validationAccuracy).toBeGreaterThan(0.8);
    for (const stage of ["train", "statistics", "sweep", "export"] as const) {
      expect(result.timings[stage]).toBeGreaterThan(0);
    }
    const finished = events.flatMap((event) => (event.kind === "stage-finished" ? [[event.stage, event.seconds]] : []));
    expect(Object.fromEntries(finished)).toEqual(result.timings);
  });

  it("measures the validation set: statistics of every hidden neuron", () => {
    expect(result.stats.sampleCount).toBe(100);
    expect(result.stats.layers.map((layer) => layer.neurons.length)).toEqual([16, 8]);
    expect(result.base.hiddenSizes).toEqual([16, 8]);
    expect(result.base.parameters).toBe(8 * 16 + 16 + 16 * 8 + 8 + 8 * 2 + 2);
  });

  it("has a row for every threshold, the emptying one marked, not dropped", () => {
    expect(result.rows.map((row) => row.threshold)).toEqual(THRESHOLDS);
    expect(result.rows.map((row) => row.status)).toEqual(["ok", "ok", "ok", "emptied-layer"]);
    expect(result.rows[2]?.keptNeurons).toEqual([8, 4]);
  });

  it("exports the base model and every ok row, under their ids, and each file is the row's model", async () => {
    const okIds = result.rows.filter((row) => row.status === "ok").map((row) => row.id);
    expect([...result.models.keys()]).toEqual(["base", ...okIds]);
    const base = await importLayersModel(
      result.models.get("base") as NonNullable<ReturnType<typeof result.models.get>>,
    );
    expect(parameterCount(base)).toBe(result.base.parameters);
    for (const row of result.rows.filter((r) => r.status === "ok")) {
      const files = result.models.get(row.id);
      expect(files?.weightsBin.byteLength).toBe(row.bytes);
      const weights = await importLayersModel(files as NonNullable<typeof files>);
      expect(hiddenLayerSizes(weights)).toEqual(row.keptNeurons);
    }
    const exportEvents = events.filter((event) => event.kind === "export");
    expect(exportEvents.map((event) => event.kind === "export" && event.modelId)).toEqual(["base", ...okIds]);
  });

  it("does not leak tensors", () => {
    expect(leakedTensors).toBe(0);
  });

  it("throws CANCELED and leaks nothing when its signal is aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const before = tf.memory().numTensors;
    const error = await rejectedDeadweightError(runExperiment(SPLIT, SETTINGS, () => {}, controller.signal));
    expect(error.code).toBe("CANCELED");
    expect(tf.memory().numTensors).toBe(before);
  });

  it("rejects an invalid grid before doing any work", async () => {
    const seen: ExperimentEvent[] = [];
    const error = await rejectedDeadweightError(
      runExperiment(SPLIT, { ...SETTINGS, grid: { kind: "list", thresholds: [] } }, (event) => seen.push(event)),
    );
    expect(error.code).toBe("INVALID_THRESHOLD");
    expect(error.message).toContain("thresholds needs at least one value");
    expect(seen).toEqual([]);
  });
});
