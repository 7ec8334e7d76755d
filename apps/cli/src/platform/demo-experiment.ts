import { fileURLToPath } from "node:url";
import type { experimentConfigSchema } from "@deadweight/experiment-config";
import type { z } from "zod";

/** An experiment `deadweight platform` queues at the first start of a data directory. */
export interface DemoExperiment {
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  /** What the platform's "queued the demo experiment" line says about it, in parentheses. */
  readonly summary: string;
  /** As a user writes it; the API fills in the defaults. */
  readonly config: z.input<typeof experimentConfigSchema>;
}

/**
 * The demo MNIST run: MNIST (bundled), 10,000 training and 2,000 test samples, a 784-128-64-10 ReLU
 * MLP, 2 epochs, the default 30-threshold mean/std grid. About 10 s of work on one core.
 */
export const DEMO_EXPERIMENT: DemoExperiment = {
  name: "MNIST demo",
  description:
    "Queued by `deadweight platform` at first start: a small MNIST run (10,000 training samples, 2 epochs) through the local worker.",
  tags: ["demo"],
  summary: "MNIST, 10,000 training samples, 2 epochs",
  config: {
    dataset: "mnist",
    split: { maxTrainSamples: 10_000, maxTestSamples: 2_000 },
    model: { hidden: [128, 64] },
    training: { epochs: 2 },
  },
};

/**
 * datasets/iris/iris.csv of this checkout, which `deadweight platform` uploads at the first start
 * as the team's dataset "iris": the Iris demo names that stored copy, so a worker on any machine
 * (it downloads the file through the API) runs it, wherever this checkout sits.
 */
export const IRIS_CSV_PATH = fileURLToPath(new URL("../../../../datasets/iris/iris.csv", import.meta.url));

/** The name the uploaded Iris CSV gets in the local team. */
export const IRIS_DATASET_NAME = "iris";

/**
 * The demo CSV run, a second dataset and architecture through the same queue: Fisher's Iris from
 * the checked-in CSV (last 20% of its shuffled rows = 30 test flowers), a 4-16-8-3 tanh MLP. Tanh
 * neurons die by saturating at ±1 (|mean| near 1, std near 0), which the mean/std rule with small
 * means never catches and with mean 1 cuts out without their constant (measured: -20 test points);
 * stdFold removes them and folds their constant into the next layer's bias, so its small stds cost
 * nothing and 0.6 shows where real neurons start to go. About 2 s of work on one core.
 * Its features stay raw (split.scale "none"): the saturation is what raw centimetres (up to 7.9)
 * do to tanh at this learning rate; standardised, no neuron saturates (measured: stdFold up to
 * std 0.2 removes nothing), and there would be nothing to show.
 */
export function irisDemoExperiment(datasetReference: string): DemoExperiment {
  return {
    name: "Iris demo",
    description:
      "Queued by `deadweight platform` at first start: Fisher's Iris (150 flowers, 4 measurements, 3 species), datasets/iris/iris.csv uploaded as the team's dataset \"iris\", a 4-16-8-3 tanh MLP whose saturated neurons the stdFold sweep removes.",
    tags: ["demo", "csv"],
    summary: "Iris CSV, 150 flowers, 4-16-8-3 tanh, 50 epochs",
    config: {
      dataset: datasetReference,
      split: { scale: "none" },
      model: { hidden: [16, 8], activation: "tanh" },
      training: { epochs: 50, batchSize: 16, learningRate: 0.01 },
      pruning: { criterion: "stdFold", stds: [0.01, 0.02, 0.05, 0.1, 0.2, 0.4, 0.6] },
    },
  };
}

/**
 * Queued in this order, so the quick Iris run finishes first and a new user sees a result within
 * seconds; `irisDatasetReference` is the uploaded Iris CSV (`dataset:<id>`).
 */
export function demoExperiments(irisDatasetReference: string): readonly DemoExperiment[] {
  return [irisDemoExperiment(irisDatasetReference), DEMO_EXPERIMENT];
}
