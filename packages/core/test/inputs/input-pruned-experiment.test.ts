import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DataSplit } from "../../src/data/data-split.js";
import type { Dataset } from "../../src/data/dataset.js";
import { type DeploymentOutcome, deployCandidates } from "../../src/deployment/deploy-candidates.js";
import { type ExperimentResult, type ExperimentSettings, runExperiment } from "../../src/experiment/run-experiment.js";
import { INPUT_CONTRACT_FILE_NAME, parseInputContract } from "../../src/inputs/input-contract-file.js";
import { separableSplit } from "../synthetic-datasets.js";

// One small experiment with and one without input pruning (a 7-6-2 MLP, 1 epoch), then one
// deployment whose bundle is verified in a fresh process: a few seconds in all.

const ROOT = mkdtempSync(join(tmpdir(), "deadweight-input-pruned-"));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

/** Features 1 and 4 set to 0.25 and -0.5 in every part: "border pixels", constant on validation and test alike. */
function withConstants(dataset: Dataset): Dataset {
  const features = Float32Array.from(dataset.features);
  for (let sample = 0; sample < dataset.labels.length; sample++) {
    features[sample * dataset.featureCount + 1] = 0.25;
    features[sample * dataset.featureCount + 4] = -0.5;
  }
  return { ...dataset, features };
}
const SOURCE = separableSplit({ train: 200, validation: 80, test: 80 }, 7, 61);
const SPLIT: DataSplit = {
  train: withConstants(SOURCE.train),
  validation: withConstants(SOURCE.validation),
  test: withConstants(SOURCE.test),
  record: SOURCE.record,
};
const SETTINGS: ExperimentSettings = {
  hiddenSizes: [6],
  activation: "relu",
  epochs: 1,
  batchSize: 20,
  learningRate: 0.02,
  seed: 9,
  grid: {
    kind: "list",
    thresholds: [
      { kind: "rank", keepFraction: 0.5, score: "std" },
      // Keeps every neuron: a row within the suggestion's 0.5 points, so the deployment has one to export.
      { kind: "rank", keepFraction: 1, score: "std" },
    ],
  },
  exportModels: "all",
  backend: "wasm",
};

let pruned: ExperimentResult;
let full: ExperimentResult;

beforeAll(async () => {
  full = await runExperiment(SPLIT, SETTINGS);
  pruned = await runExperiment(SPLIT, { ...SETTINGS, inputPruning: { stdThreshold: 0 } });
});

describe("runExperiment with input pruning", () => {
  it("removes the inputs constant on validation and records what it kept and the parameters before", () => {
    expect(pruned.inputContract).toEqual({ originalWidth: 7, keptFeatures: [0, 2, 3, 5, 6] });
    expect(pruned.inputPruning).toEqual({
      stdThreshold: 0,
      originalWidth: 7,
      keptCount: 5,
      keptFeatures: [0, 2, 3, 5, 6],
      parametersBeforeInputPruning: 7 * 6 + 6 + 6 * 2 + 2,
    });
    expect(pruned.base.parameters).toBe(5 * 6 + 6 + 6 * 2 + 2);
    expect(pruned.networkSplit.test.featureCount).toBe(5);
    expect(full.inputPruning).toBeNull();
    expect(full.inputContract).toBeNull();
  });

  it("gives the same accuracies as the network that reads every input (the removed ones are constant on the data)", () => {
    // Same seed, same training; the folded network differs only by float32 rounding, far below one sample in 80.
    expect(pruned.base.validationAccuracy).toBe(full.base.validationAccuracy);
    expect(pruned.base.testAccuracy).toBe(full.base.testAccuracy);
    expect(pruned.rows[0]?.keptNeurons).toEqual(full.rows[0]?.keptNeurons);
    expect(pruned.rows[0]?.testAccuracy).toBe(full.rows[0]?.testAccuracy);
    expect(pruned.rows[0]?.parameters).toBe((full.rows[0]?.parameters as number) - 2 * 3);
  });
});

describe("deployCandidates on an experiment with pruned inputs", () => {
  let outcome: DeploymentOutcome;

  beforeAll(async () => {
    outcome = await deployCandidates({
      weights: pruned.weights,
      stats: pruned.stats,
      sweep: { base: pruned.base, rows: pruned.rows },
      split: pruned.networkSplit,
      settings: { dtypes: ["float32"], recoveryEpochs: 0, recover: "answer", bundles: "answer" },
      training: { batchSize: 20, learningRate: 0.02, seed: 9 },
      baseTrainingSeconds: pruned.training.seconds,
      exportFolder: join(ROOT, "export"),
      testSetFile: join(ROOT, "scratch", "test-set.dwds"),
      card: { createdAt: new Date("2025-01-02T03:04:05Z"), source: { runId: null }, backend: pruned.backend },
    });
  });

  it("writes input-contract.json into every bundle and verifies it on the full-width test set", () => {
    expect(outcome.record.note).toBeNull();
    expect(outcome.exported.length).toBeGreaterThan(0);
    for (const { verification } of outcome.exported) {
      expect(verification.files.map((file) => file.name)).toContain(INPUT_CONTRACT_FILE_NAME);
      expect(parseInputContract(readFileSync(join(verification.folder, INPUT_CONTRACT_FILE_NAME)))).toEqual(
        pruned.inputContract,
      );
      expect(verification.measured.samples).toBe(80);
    }
    // The verifier's copy of the test set is the full 7-feature one: "DWDS", version, count, then the feature count.
    expect(readFileSync(join(ROOT, "scratch", "test-set.dwds")).readUInt32LE(12)).toBe(7);
  });

  it("states the contract in the model card", () => {
    expect(outcome.record.modelCard?.inputs.contract).toMatchObject({
      file: INPUT_CONTRACT_FILE_NAME,
      originalWidth: 7,
      keptFeatures: [0, 2, 3, 5, 6],
    });
  });
});
