/**
 * Feature scaling on the two public tabular datasets the repository ships: scikit-learn's breast
 * cancer CSV (569 tumours, 30 features from ~0.001 to ~4,000) and its digits CSV.gz (1,797 8x8
 * images, 64 features 0..16), each under each scaling (none, standard, minmax) and two networks:
 * the CLI's defaults (512-256-128 ReLU, 5 epochs, batch 128, learning rate 0.001) and the README's
 * small CSV network (16-8 tanh, 50 epochs, batch 16, learning rate 0.01). Seed 42, the default split
 * (last 20% of rows test, then the last 10% validation), and for digits also with its rows shuffled
 * first (seed 42): its file lists the writers in order, so its last rows are writers never trained on.
 * Prints one JSON object: per run, the base model's validation and test accuracy, the majority-class
 * rates, the learning check's verdict, and the test accuracy of the base model as a bundle (scaling
 * folded in, the first layer float32 in uint8 as the deploy stage writes it, reloaded, raw features) per dtype.
 * Usage: pnpm --filter @deadweight/cli run bench:tabular   (~2 min on 2 cores)
 */
import { fileURLToPath } from "node:url";
import {
  type Dataset,
  datasetRange,
  type FeatureScalingMethod,
  foldInputScaling,
  initialiseBackend,
  measureModelBundle,
  parseCsvDataset,
  rawSplitParts,
  runExperiment,
  scaleDataSplit,
  seededPermutation,
  splitDataset,
  splitFeatureScaling,
  WEIGHT_DTYPES,
} from "@deadweight/core";
import { CSV_TEST_FRACTION, loadDatasetSource, readCsvText } from "@deadweight/dataset-files";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BREAST_CANCER = `${ROOT}datasets/breast-cancer/breast-cancer.csv`;
const DIGITS = `${ROOT}datasets/digits/digits.csv.gz`;

/** The file's rows in a seeded random order, the last 20% held out as test (as csv: does without a test file). */
function shuffledSources(path: string): { train: Dataset; test: Dataset } {
  const { dataset } = parseCsvDataset(readCsvText(path), { name: path });
  const count = dataset.labels.length;
  const order = seededPermutation(count, 42);
  const features = new Float32Array(dataset.features.length);
  const labels = new Int32Array(count);
  order.forEach((source, target) => {
    features.set(
      dataset.features.subarray(source * dataset.featureCount, (source + 1) * dataset.featureCount),
      target * dataset.featureCount,
    );
    labels[target] = dataset.labels[source] as number;
  });
  const shuffled = { ...dataset, name: `${path} (rows shuffled, seed 42)`, features, labels };
  const trainCount = count - Math.round(count * CSV_TEST_FRACTION);
  return { train: datasetRange(shuffled, 0, trainCount), test: datasetRange(shuffled, trainCount, count) };
}

const DATASETS: Record<string, () => { train: Dataset; test: Dataset }> = {
  "breast-cancer": () => loadDatasetSource({ kind: "csv", train: BREAST_CANCER }),
  digits: () => loadDatasetSource({ kind: "csv", train: DIGITS }),
  "digits-shuffled": () => shuffledSources(DIGITS),
};
const NETWORKS = {
  "cli-defaults": { hiddenSizes: [512, 256, 128], activation: "relu", epochs: 5, batchSize: 128, learningRate: 0.001 },
  "small-tanh": { hiddenSizes: [16, 8], activation: "tanh", epochs: 50, batchSize: 16, learningRate: 0.01 },
} as const;
const SCALINGS: readonly FeatureScalingMethod[] = ["none", "standard", "minmax"];

const backend = await initialiseBackend("auto");
const runs: unknown[] = [];
const percent = (fraction: number) => Math.round(fraction * 10_000) / 100;
for (const [dataset, load] of Object.entries(DATASETS)) {
  const loaded = load();
  const raw = splitDataset(loaded.train, loaded.test);
  for (const [network, settings] of Object.entries(NETWORKS)) {
    for (const scaling of SCALINGS) {
      const split = scaleDataSplit(raw, scaling);
      const result = await runExperiment(split, {
        ...settings,
        seed: 42,
        grid: { kind: "rank", keepFractions: [1], score: "std" },
        exportModels: "none",
        backend: "auto",
      });
      const bundles: Record<string, number> = {};
      for (const dtype of WEIGHT_DTYPES) {
        const measured = await measureModelBundle(
          foldInputScaling(result.weights, splitFeatureScaling(split)),
          dtype,
          { test: rawSplitParts(split).test },
          `${dataset} ${scaling} ${dtype}`,
          { keepFirstLayerFloat32: scaling !== "none" },
        );
        bundles[dtype] = percent(measured.test.accuracy);
      }
      const { learning } = result;
      const run = {
        dataset,
        network,
        scaling,
        validationAccuracy: percent(result.base.validationAccuracy),
        testAccuracy: percent(result.base.testAccuracy),
        majorityClass: {
          name: learning.majorityClass.name,
          validationRate: percent(learning.majorityClass.validationRate),
          testRate: percent(learning.majorityClass.testRate),
        },
        verdict: learning.verdict,
        requiredValidationCorrect: `${learning.validation.requiredCorrect} of ${learning.validation.samples}`,
        loss: learning.loss,
        bundleTestAccuracy: bundles,
        trainSeconds: Math.round(result.training.seconds * 10) / 10,
      };
      process.stderr.write(`${JSON.stringify(run)}\n`);
      runs.push(run);
    }
  }
}
process.stdout.write(`${JSON.stringify({ backend: backend.description, seed: 42, runs }, null, 2)}\n`);
