import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { splitDataset } from "../../src/data/data-split.js";
import type { Dataset } from "../../src/data/dataset.js";
import { type FeatureScalingMethod, fitFeatureScaling } from "../../src/data/feature-scaling.js";
import { scaleDataSplit } from "../../src/data/scale-data-split.js";
import { type DeploymentOutcome, deployCandidates } from "../../src/deployment/deploy-candidates.js";
import { type ExperimentResult, type ExperimentSettings, runExperiment } from "../../src/experiment/run-experiment.js";
import { loadLayersModelFiles } from "../../src/export/layers-model-files.js";
import { isDidNotLearnNote } from "../../src/learning/learning-check.js";
import { seededRandom } from "../../src/random/seeded-random.js";
import { suggestedRow } from "../../src/sweep/suggested-row.js";

// A dataset whose two features differ in scale by 10^4: a in [0, 10000), b in [0, 1), class 1 when
// a / 10000 + b > 1. Raw, the network sees a ~5000 next to b ~0.5 and learns nothing; standardised,
// it finds the diagonal. 300 source rows (270 train, 30 validation), 100 test rows, a 2-8-2 MLP,
// 20 epochs: a few seconds per run, seeds fixed.

function diagonal(count: number, seed: number): Dataset {
  const random = seededRandom(seed);
  const features = new Float32Array(count * 2);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const a = random();
    const b = random();
    features[2 * i] = a * 10_000;
    features[2 * i + 1] = b;
    labels[i] = a + b > 1 ? 1 : 0;
  }
  return { name: "diagonal", features, labels, featureCount: 2, classCount: 2, featureNames: ["a", "b"] };
}

const RAW = splitDataset(diagonal(300, 1), diagonal(100, 2));
const SETTINGS: ExperimentSettings = {
  hiddenSizes: [8],
  activation: "relu",
  epochs: 20,
  batchSize: 16,
  learningRate: 0.01,
  seed: 3,
  grid: { kind: "rank", keepFractions: [0.5, 1], score: "std" },
  exportModels: "all",
  backend: "wasm",
};
const ROOT = mkdtempSync(join(tmpdir(), "deadweight-scaled-"));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

async function runAndDeploy(method: FeatureScalingMethod) {
  const split = scaleDataSplit(RAW, method);
  const result = await runExperiment(split, SETTINGS);
  const folder = join(ROOT, method);
  const deployment = await deployCandidates({
    weights: result.weights,
    stats: result.stats,
    sweep: { base: result.base, rows: result.rows },
    split,
    settings: { dtypes: ["float32", "uint8"], recoveryEpochs: 0, recover: "answer", bundles: "answer" },
    training: { batchSize: 16, learningRate: 0.01, seed: 3 },
    baseTrainingSeconds: result.training.seconds,
    baseTraining: result.training,
    exportFolder: join(folder, "export"),
    testSetFile: join(folder, "test-set.dwds"),
    card: { createdAt: new Date(0), source: { runId: null }, backend: result.backend },
  });
  return { split, result, deployment, folder };
}

/** Accuracy of layers-format files loaded as a TF.js user would, on the RAW test features. */
async function rawTestAccuracy(files: NonNullable<ReturnType<ExperimentResult["models"]["get"]>>) {
  const test = RAW.test;
  const network = await loadLayersModelFiles(files);
  const predicted = tf.tidy(() =>
    (network.predict(tf.tensor2d(test.features, [test.labels.length, 2])) as tf.Tensor).argMax(1).dataSync(),
  );
  network.dispose();
  return Array.from(predicted).filter((label, i) => label === test.labels[i]).length / test.labels.length;
}

describe("the same data and network, unscaled and standardised", () => {
  let unscaled: Awaited<ReturnType<typeof runAndDeploy>>;
  let scaled: Awaited<ReturnType<typeof runAndDeploy>>;

  beforeAll(async () => {
    unscaled = await runAndDeploy("none");
    scaled = await runAndDeploy("standard");
  });

  it("fails to learn unscaled: the run says so in words, suggests nothing and deploys nothing", () => {
    const { result, deployment, folder } = unscaled;
    // 18 of the 30 validation rows are class 0: always answering it scores 60%, and so does this model.
    expect(result.learning.majorityClass.validationRate).toBeCloseTo(0.6, 12);
    expect(result.base.validationAccuracy).toBeLessThanOrEqual(0.6 + 1e-9);
    expect(result.learning.verdict).toBe("did-not-learn");
    expect(result.learning.message).toContain("The base model did not learn: its validation accuracy");
    expect(result.learning.likelyCauses[0]).toMatch(
      /^the features are not scaled and their ranges differ by a factor of ~10\^4/,
    );
    expect(suggestedRow(result.rows, result.learning)).toBeNull();
    expectNothingDeployed(deployment);
    expect(existsSync(join(folder, "export"))).toBe(false);
  });

  it("learns standardised: above 90% on the test set, and the suggested row is deployed", () => {
    const { result, deployment } = scaled;
    expect(result.learning.verdict).toBe("learned");
    expect(result.learning.message).toBeNull();
    expect(result.base.testAccuracy).toBeGreaterThan(0.9);
    expect(deployment.chosen).not.toBeNull();
    expect(deployment.record.note).toBeNull();
  });

  it("exports models that take the raw features and score there what the sweep measured on scaled ones", async () => {
    const { result } = scaled;
    expect(result.featureScaling).toMatchObject({ method: "standard", foldedIntoFirstLayer: true });
    // Up to one of the 100 test rows may differ: the folded first layer sums in another order.
    const base = await rawTestAccuracy(result.models.get("base")!);
    expect(Math.abs(base - result.base.testAccuracy)).toBeLessThanOrEqual(0.01 + 1e-9);
    for (const row of result.rows.filter((entry) => entry.status === "ok")) {
      const accuracy = await rawTestAccuracy(result.models.get(row.id)!);
      expect(Math.abs(accuracy - (row.testAccuracy as number))).toBeLessThanOrEqual(0.01 + 1e-9);
    }
  });

  it("verifies the deployed bundles on the raw test set and records the folded scaling in their model card", () => {
    const { deployment, split, folder } = scaled;
    const [float32, uint8] = deployment.exported;
    for (const bundle of [float32, uint8]) {
      expect(bundle?.verification.measured.correct).toBe(bundle?.measured.test.correct);
      expect(bundle?.measured.test.accuracy).toBeGreaterThan(0.9);
    }
    // The folded first layer stays float32 in the uint8 bundle: at most 2 of 100 rows move with the rest's rounding.
    expect(Math.abs(uint8!.measured.test.correct - float32!.measured.test.correct)).toBeLessThanOrEqual(2);
    expect(readdirSync(join(folder, "export", "bundles"))).toHaveLength(1);
    const card = deployment.record.modelCard!;
    const fitted = fitFeatureScaling(RAW.train, "standard");
    expect(card.inputs).toEqual({
      featureNames: ["a", "b"],
      scaling: {
        method: "standard",
        fittedOn: split.record.train,
        foldedIntoFirstLayer: true,
        offset: [...fitted.offset],
        scale: [...fitted.scale],
        constantFeatures: [],
      },
      contract: null,
    });
    expect(card.bundles.map((bundle) => [bundle.weightDtype, bundle.float32Weights])).toEqual([
      ["float32", []],
      ["uint8", ["hidden_1/kernel", "hidden_1/bias"]],
    ]);
    expect(card.accuracy.majorityClass).toEqual({
      classIndex: deployment.learning.majorityClass.index,
      className: null,
      validation: deployment.learning.majorityClass.validationRate,
      test: deployment.learning.majorityClass.testRate,
    });
  });
});

function expectNothingDeployed(deployment: DeploymentOutcome): void {
  expect(deployment.chosen).toBeNull();
  expect(deployment.variants).toEqual([]);
  expect(deployment.exported).toEqual([]);
  expect(deployment.record.modelCard).toBeNull();
  expect(isDidNotLearnNote(deployment.record.note)).toBe(true);
}
