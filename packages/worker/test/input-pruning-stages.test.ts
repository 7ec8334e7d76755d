import { join } from "node:path";
import {
  type DataSplit,
  type Dataset,
  verifyBundleFolder,
  writeBinaryDatasetFile,
  writeBundleFolder,
} from "@deadweight/core";
import { experimentConfigSchema } from "@deadweight/experiment-config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ArtifactUpload } from "../src/api/worker-api.js";
import { runComputeThreads } from "../src/pipeline/run-compute-threads.js";
import { deployStage } from "../src/pipeline/stages/deploy-stage.js";
import { exportStage } from "../src/pipeline/stages/export-stage.js";
import { pruneRunInputs, type RunNetwork } from "../src/pipeline/stages/input-pruning-step.js";
import { type ScheduledSweep, scheduleStage } from "../src/pipeline/stages/schedule-stage.js";
import { statisticsStage } from "../src/pipeline/stages/statistics-stage.js";
import { sweepStage } from "../src/pipeline/stages/sweep-stage.js";
import { aboveDiagonalSplit } from "./above-diagonal-split.js";
import { openStageHarness, type StageHarness } from "./stage-harness.js";

// A run with pruning.inputStdThreshold through the worker's stages after training (input pruning,
// statistics, sweep, a 2-round schedule, export, deploy): results go into a real tracking store (a
// migrated SQLite file) through the API's own recorder after the worker protocol's validation, as
// the worker procedure does; uploads and the deployment are recorded in memory. The data is "is x
// above y" with a constant third column in the middle (x, 0.5, y): a 3-12-8-2 network whose input 1
// the input pruning must remove.

const CONSTANT_VALUE = 0.5;

/** The 2-feature dataset widened to (x, 0.5, y). */
function withConstantMiddleColumn(dataset: Dataset): Dataset {
  const samples = dataset.labels.length;
  const features = new Float32Array(samples * 3);
  for (let i = 0; i < samples; i++) {
    features.set([dataset.features[i * 2] as number, CONSTANT_VALUE, dataset.features[i * 2 + 1] as number], i * 3);
  }
  return { ...dataset, features, featureCount: 3, featureNames: ["x", "flag", "y"] };
}

const NARROW = aboveDiagonalSplit(300, 100, 100);
const SPLIT: DataSplit = {
  train: withConstantMiddleColumn(NARROW.train),
  validation: withConstantMiddleColumn(NARROW.validation),
  test: withConstantMiddleColumn(NARROW.test),
  record: NARROW.record,
};
const CONFIG = experimentConfigSchema.parse({
  model: { hidden: [12, 8] },
  training: { epochs: 4, batchSize: 10, learningRate: 0.05 },
  pruning: { criterion: "rank", keepFractions: [0.5, 1], inputStdThreshold: 0 },
  schedule: {
    rounds: 2,
    recoverEpochs: 1,
    thresholds: "fixed",
    threshold: { kind: "rank", keepFraction: 0.5, score: "std" },
  },
  export: "all",
  deployment: { dtypes: ["float32"], bundles: "pareto", recover: "answer" },
});
const CONTRACT_FILE = { format: "deadweight-input-contract", version: 1, originalWidth: 3, keptFeatures: [0, 2] };

let harness: StageHarness;
let network: RunNetwork;
let swept: ScheduledSweep;

function json(upload: ArtifactUpload | undefined): Record<string, unknown> {
  expect(upload).toBeDefined();
  return JSON.parse(new TextDecoder().decode(upload!.bytes));
}

beforeAll(async () => {
  harness = await openStageHarness({
    name: "inputs",
    config: CONFIG,
    split: SPLIT,
    thresholds: [
      { kind: "rank", keepFraction: 0.5, score: "std" },
      { kind: "rank", keepFraction: 1, score: "std" },
    ],
    datasetDescription: "sequence with a constant column",
  });
  const { context, loaded, trained } = harness;
  // The stages in runPipeline's order, on what each returns.
  network = pruneRunInputs(context, loaded, trained.weights);
  const compute = runComputeThreads({ ...network.loaded.backend, threads: 1 });
  const stats = await statisticsStage(context, network.loaded, network.weights, compute);
  const sweep = await sweepStage(context, network.loaded, network.weights, stats, {}, compute, network.inputPruning);
  swept = await scheduleStage(context, network.loaded, network.weights, sweep);
  await exportStage(context, network.loaded, network.weights, stats, swept);
  await deployStage(context, network.loaded, { ...trained, weights: network.weights }, stats, swept);
  // Training, two rounds of fine-tuning and a fresh verifier process: seconds, more on a busy machine.
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

describe("a worker run with pruning.inputStdThreshold", () => {
  it("removes the constant input before the statistics and records the kept inputs with the base metrics", async () => {
    expect(network.weights.layers[0]?.inputSize).toBe(2);
    expect(harness.trained.weights.layers[0]?.inputSize).toBe(3);
    expect(network.loaded.split.validation.featureCount).toBe(2);
    const run = await harness.store.db.run.findUniqueOrThrow({
      where: { id: harness.runId },
      select: { baseMetrics: true },
    });
    const base = JSON.parse(run.baseMetrics ?? "null");
    expect(base.inputPruning).toEqual({
      stdThreshold: 0,
      originalWidth: 3,
      keptCount: 2,
      keptFeatures: [0, 2],
      parametersBeforeInputPruning: 3 * 12 + 12 + 12 * 8 + 8 + 8 * 2 + 2,
    });
    // The base metrics describe the network the rows were pruned from: 2 inputs.
    expect(base.parameters).toBe(2 * 12 + 12 + 12 * 8 + 8 + 8 * 2 + 2);
    const stored = await harness.store.db.resultRow.findMany({
      where: { runId: harness.runId },
      orderBy: { position: "asc" },
    });
    expect(stored.map((row) => row.rowKey)).toEqual(["keep0.5-std", "keep1-std", "round-1", "round-2"]);
    const keep1 = stored[1]!;
    expect(keep1.parameters).toBe(base.parameters);
  });

  it("stores every exported model, the rounds' included, with input-contract.json beside a 2-input model.json", () => {
    const modelIds = harness.uploads
      .filter((upload) => upload.kind === "model-json")
      .map((upload) => upload.name.replace(/^models\/(.+)\/model\.json$/, "$1"));
    expect(modelIds).toEqual(expect.arrayContaining(["keep0.5-std", "keep1-std", "round-1", "round-2"]));
    for (const id of modelIds) {
      const contract = harness.uploads.find((upload) => upload.name === `models/${id}/input-contract.json`);
      expect(json(contract)).toEqual({ ...CONTRACT_FILE, featureNames: ["x", "y"] });
      expect(contract?.resultRowKey).toBe(id);
      const modelJson = json(harness.uploads.find((upload) => upload.name === `models/${id}/model.json`)) as {
        weightsManifest: { weights: { shape: number[] }[] }[];
      };
      expect(modelJson.weightsManifest[0]?.weights[0]?.shape[0]).toBe(2);
    }
  });

  it("ships bundles with the contract that reproduce their stored accuracy on the full-width test set, and a model card stating it", async () => {
    const bundleFiles = harness.uploads.filter((upload) => upload.kind === "bundle");
    const folders = new Map<string, ArtifactUpload[]>();
    for (const file of bundleFiles) {
      const name = file.name.slice(0, file.name.lastIndexOf("/"));
      folders.set(name, [...(folders.get(name) ?? []), file]);
    }
    expect(folders.size).toBeGreaterThan(0);
    const [deployment] = harness.deployments;
    const testSetFile = join(harness.folder, "full-width-test.dwds");
    await writeBinaryDatasetFile(testSetFile, SPLIT.test);
    for (const [name, files] of folders) {
      expect(files.map((file) => file.name.slice(name.length + 1)).sort()).toEqual([
        "input-contract.json",
        "model.json",
        "weights.bin",
      ]);
      const report = deployment?.rows
        .flatMap((row) => row.bundles)
        .find((bundle) => bundle.exported?.files.some((file) => file.name === `${name}/model.json`));
      expect(report).toBeDefined();
      const bundleFolder = join(harness.folder, name);
      await writeBundleFolder(
        bundleFolder,
        files.map((file) => ({ name: file.name.slice(name.length + 1), bytes: file.bytes })),
      );
      // A fresh process with plain TF.js reads the full-width rows through input-contract.json.
      const verification = await verifyBundleFolder({
        folder: bundleFolder,
        testSetFile,
        expected: { correct: report!.testCorrect, samples: report!.testSamples },
      });
      expect(verification.measured.samples).toBe(SPLIT.test.labels.length);
    }
    const card = json(harness.uploads.find((upload) => upload.kind === "model-card")) as {
      inputs: { contract: Record<string, unknown> };
    };
    expect(card.inputs.contract).toMatchObject({ originalWidth: 3, keptFeatures: [0, 2], featureNames: ["x", "y"] });
  });
});
