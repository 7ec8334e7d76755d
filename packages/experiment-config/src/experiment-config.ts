import type { ExperimentSettings, PruneScheduleSettings } from "@deadweight/core";
// The TF.js-free entry: the dashboard's New-experiment form imports these defaults into the browser.
import {
  DEFAULT_THRESHOLD_GRID,
  expandThresholdGrid,
  FEATURE_SCALING_METHODS,
  type FeatureScalingMethod,
  type ThresholdGrid,
} from "@deadweight/core/tensor-free";
import { z } from "zod";

const DEFAULT_GRID = DEFAULT_THRESHOLD_GRID as Extract<ThresholdGrid, { kind: "meanStd" }>;

const threshold = z.number().nonnegative();

/** Most seeds one experiment may list (each is a run to train). */
export const MAX_SEEDS = 20;
const fraction = z.number().gt(0).max(1);

/** One threshold as the core's PruningThreshold spells it (the schedule's fixed threshold). */
const pruningThresholdConfig = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("meanStd"), mean: threshold, std: threshold }).strict(),
  z.object({ kind: z.literal("stdFold"), std: threshold }).strict(),
  z.object({ kind: z.literal("apoz"), apoz: z.number().min(0).max(1) }).strict(),
  z
    .object({ kind: z.literal("rank"), keepFraction: fraction, score: z.enum(["std", "meanAbs", "nonZeroFraction"]) })
    .strict(),
]);

/**
 * An experiment as a user writes it (JSON config file or flags): every field has a default, so `{}`
 * is the README's demo: MNIST, 784-512-256-128-10 ReLU, 5 epochs, the 30-threshold mean/std grid.
 */
export const experimentConfigSchema = z
  .object({
    dataset: z
      .string()
      .min(1)
      .default("mnist")
      .describe(
        '"mnist", "fashion-mnist" (where the worker keeps it), "dataset:<id>" (a dataset the team uploaded), or a path a worker reads inside its data roots: "idx:<folder>", "csv:<train.csv>[,<test.csv>]"',
      ),
    labelColumn: z.union([z.string().min(1), z.number().int().nonnegative()]).optional(),
    /** Whether a CSV's first line is a header; absent: detected (a line of names is a header). */
    header: z.enum(["yes", "no"]).optional(),
    split: z
      .object({
        validationFraction: z.number().gt(0).lt(1).default(0.1),
        maxTrainSamples: z.number().int().positive().optional(),
        maxTestSamples: z.number().int().positive().optional(),
        /**
         * How CSV features are scaled before the network, fitted on the training part only and folded
         * into every exported model's first layer (so exported models take raw features): each
         * feature standardised (mean 0, std 1), mapped to [0, 1] (min-max), or left raw. IDX/MNIST
         * pixels are divided by 255 as they load and are not scaled again.
         */
        scale: z
          .enum(FEATURE_SCALING_METHODS)
          .default("standard")
          .describe('"standard" (mean 0, std 1), "minmax" ([0, 1]) or "none"; fitted on the training part only'),
      })
      .strict()
      .prefault({}),
    model: z
      .object({
        hidden: z.array(z.number().int().positive()).min(1).default([512, 256, 128]),
        activation: z.enum(["relu", "tanh"]).default("relu"),
      })
      .strict()
      .prefault({}),
    training: z
      .object({
        epochs: z.number().int().nonnegative().default(5),
        batchSize: z.number().int().positive().default(128),
        learningRate: z.number().positive().default(0.001),
      })
      .strict()
      .prefault({}),
    pruning: z
      .object({
        criterion: z.enum(["meanStd", "stdFold", "apoz", "rank"]).default("meanStd"),
        means: z
          .array(threshold)
          .min(1)
          .default([...DEFAULT_GRID.means]),
        stds: z
          .array(threshold)
          .min(1)
          .default([...DEFAULT_GRID.stds]),
        apoz: z.array(z.number().min(0).max(1)).min(1).default([0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1]),
        keepFractions: z.array(fraction).min(1).default([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]),
        score: z.enum(["std", "meanAbs", "nonZeroFraction"]).default("std"),
        /**
         * Input-feature pruning, off by default (null): after training, input features whose std on
         * the validation set is <= this value are removed and their mean folded into the first layer's
         * bias; exported models then state an input contract (input-contract.json). 0 removes only
         * features constant on validation (MNIST's border pixels).
         */
        inputStdThreshold: threshold
          .nullable()
          .default(null)
          .describe("null (keep every input) or a std threshold: inputs with std <= it on validation are pruned"),
      })
      .strict()
      .prefault({}),
    deployment: z
      .object({
        /**
         * The target device: the bundle's real bytes on disk, and optionally the accuracy (points below
         * the base model, on validation: test is only reported) and latency it may give up.
         */
        budget: z
          .object({
            maxBytes: z.number().int().positive(),
            maxAccuracyDropPoints: z.number().min(0).max(100).optional(),
            maxLatencyMsPerSample: z.number().positive().optional(),
          })
          .strict()
          .optional(),
        /** Storage dtypes every candidate is measured in (TF.js layers format; float16/uint8 quantized). */
        dtypes: z
          .array(z.enum(["float32", "float16", "uint8"]))
          .min(1)
          .refine((dtypes) => new Set(dtypes).size === dtypes.length, "each dtype may appear only once")
          .default(["float32", "float16", "uint8"]),
        /** Epochs of fine-tuning after pruning (0: none); the recovered accuracy is kept beside the one-shot one. */
        recoveryEpochs: z.number().int().min(0).max(50).default(0),
        /** Which rows are fine-tuned: every Pareto row, or only the budget's answer (else the suggested row). */
        recover: z.enum(["pareto", "answer"]).default("answer"),
        /**
         * Which candidates are exported as verified bundles (stored, reloaded in a fresh process with
         * plain TF.js, model card): the budget's answer (else the suggested row), or every Pareto row.
         */
        bundles: z.enum(["answer", "pareto"]).default("answer"),
      })
      .strict()
      .prefault({}),
    /**
     * The iterative schedule (off when absent): prune -> recover -> measure again -> prune, round after
     * round, after the sweep; every round is a result row ("round-N") that can be promoted and deployed.
     */
    schedule: z
      .object({
        /** Rounds at most. */
        rounds: z.number().int("must be a whole number of rounds").min(1, "must be at least 1 round").default(5),
        /** Epochs of fine-tuning after each round's pruning (0: none). */
        recoverEpochs: z.number().int("must be a whole number of epochs").min(0, "must be 0 or more").default(1),
        /**
         * "auto": each round takes, of the sweep's thresholds (the pruning section), the one that removes
         * the most parameters within roundDrop validation points of the current network; "fixed": the
         * same `threshold` every round, on statistics measured again on the current network.
         */
        thresholds: z.enum(["auto", "fixed"]).default("auto"),
        /** Validation points one round may lose, measured straight after its pruning (auto thresholds). */
        roundDrop: z.number().min(0, "must be 0 or more points").max(100, "must be at most 100 points").default(1),
        /** The fixed thresholds' threshold (required with thresholds "fixed"). */
        threshold: pruningThresholdConfig.optional(),
        /** Stop once the network keeps at most this fraction of the base model's parameters. */
        targetKept: z.number().gt(0, "must be a fraction above 0").max(1, "must be a fraction of at most 1").optional(),
        /** Stop after the first round more than this many validation points below the base model. */
        targetDrop: z.number().min(0, "must be 0 or more points").max(100, "must be at most 100 points").optional(),
      })
      .strict()
      .superRefine((schedule, context) => {
        if (schedule.thresholds === "fixed" && schedule.threshold === undefined) {
          context.addIssue({
            code: "custom",
            path: ["threshold"],
            message:
              'is required with thresholds "fixed": give one, e.g. {"kind": "meanStd", "mean": 0.1, "std": 0.4}, or use thresholds "auto"',
          });
        }
        if (schedule.thresholds === "auto" && schedule.threshold !== undefined) {
          context.addIssue({
            code: "custom",
            path: ["threshold"],
            message: 'is only read with thresholds "fixed"; remove it, or set thresholds to "fixed"',
          });
        }
      })
      .optional(),
    seed: z.number().int().nonnegative().default(42),
    /**
     * Several seeds (off when absent): one run per listed seed, and the experiment's rows are also
     * read aggregated across them (mean, min and max per row key). Takes the place of `seed`.
     */
    seeds: z
      .array(z.number().int("each seed must be a whole number").nonnegative("each seed must be 0 or more"))
      .min(1, "must list at least 1 seed")
      .max(MAX_SEEDS, `must list at most ${MAX_SEEDS} seeds`)
      .superRefine((seeds, context) => {
        const repeated = seeds.find((seed, index) => seeds.indexOf(seed) !== index);
        if (repeated !== undefined) {
          context.addIssue({
            code: "custom",
            message: `lists seed ${repeated} twice; each seed gives one run, so list each once`,
          });
        }
      })
      .optional(),
    export: z.enum(["pareto", "all", "none"]).default("pareto"),
    backend: z.enum(["auto", "tensorflow", "wasm", "cpu"]).default("auto"),
    /**
     * Threads for the statistics pass and the sweep, each with its own backend (a worker gives a run
     * at most its --threads). The results are the same at any count (latency timings apart).
     */
    threads: z.number().int("must be a whole number").min(1, "must be at least 1").max(256).default(1),
    out: z.string().min(1).optional(),
  })
  .strict();

/** A validated experiment configuration with every default filled in. */
export type ExperimentConfig = z.infer<typeof experimentConfigSchema>;

/** The configuration of `{}`: every default, the same one the CLI runs with no flags and the dashboard's form starts from. */
export function defaultExperimentConfig(): ExperimentConfig {
  return experimentConfigSchema.parse({});
}

/**
 * The feature scaling a run applies: the configured `split.scale` for features as the file holds
 * them (CSV), "none" for features their loader already scaled (`alreadyScaled`: why, e.g. IDX
 * pixels divided by 255; null for CSV).
 */
export function featureScalingOf(config: ExperimentConfig, alreadyScaled: string | null): FeatureScalingMethod {
  return alreadyScaled === null ? config.split.scale : "none";
}

/** The sweep's thresholds for the configured criterion. */
export function thresholdGridOf(config: ExperimentConfig): ThresholdGrid {
  const { pruning } = config;
  switch (pruning.criterion) {
    case "meanStd":
      return { kind: "meanStd", means: pruning.means, stds: pruning.stds };
    case "stdFold":
      return { kind: "stdFold", stds: pruning.stds };
    case "apoz":
      return { kind: "apoz", apozs: pruning.apoz };
    case "rank":
      return { kind: "rank", keepFractions: pruning.keepFractions, score: pruning.score };
  }
}

/** How many thresholds the sweep runs, so how many rows the results hold (repeated values count once, as in the sweep). */
export function sweepThresholdCount(config: ExperimentConfig): number {
  const distinct = (values: readonly number[]) => new Set(values).size;
  const { pruning } = config;
  switch (pruning.criterion) {
    case "meanStd":
      return distinct(pruning.means) * distinct(pruning.stds);
    case "stdFold":
      return distinct(pruning.stds);
    case "apoz":
      return distinct(pruning.apoz);
    case "rank":
      return distinct(pruning.keepFractions);
  }
}

/** The core's settings for the configured iterative schedule; null when the configuration has none. */
export function pruneScheduleSettingsOf(config: ExperimentConfig): PruneScheduleSettings | null {
  const { schedule } = config;
  if (schedule === undefined) return null;
  return {
    thresholds:
      schedule.thresholds === "fixed" && schedule.threshold !== undefined
        ? { kind: "fixed", threshold: schedule.threshold }
        : { kind: "auto", candidates: expandThresholdGrid(thresholdGridOf(config)), maxRoundDrop: schedule.roundDrop },
    recoverEpochs: schedule.recoverEpochs,
    maxRounds: schedule.rounds,
    targetKeptFraction: schedule.targetKept ?? null,
    maxTotalDrop: schedule.targetDrop ?? null,
  };
}

/** The core's settings for running this configuration (everything but the data, which the caller loads). */
export function experimentSettingsOf(config: ExperimentConfig): ExperimentSettings {
  return {
    hiddenSizes: config.model.hidden,
    activation: config.model.activation,
    epochs: config.training.epochs,
    batchSize: config.training.batchSize,
    learningRate: config.training.learningRate,
    seed: config.seed,
    grid: thresholdGridOf(config),
    exportModels: config.export,
    backend: config.backend,
    threads: config.threads,
    ...(config.pruning.inputStdThreshold === null
      ? {}
      : { inputPruning: { stdThreshold: config.pruning.inputStdThreshold } }),
  };
}

/**
 * The seed of each run an experiment queues: one run per listed `seeds` entry, in order; without
 * `seeds`, `runs` runs (default 1) with seeds `seed`, `seed` + 1, ... Throws when both are given and
 * disagree, saying which to drop (callers that validate with zod check runsSeedsConflict first).
 */
export function runSeedsOf(config: ExperimentConfig, runs: number | undefined): number[] {
  const conflict = runsSeedsConflict(config, runs);
  if (conflict !== null) throw new RangeError(conflict);
  if (config.seeds !== undefined) return [...config.seeds];
  return Array.from({ length: runs ?? 1 }, (_, i) => config.seed + i);
}

/** Why `runs` and the config's `seeds` cannot both hold, or null when they agree (or only one is given). */
export function runsSeedsConflict(config: Pick<ExperimentConfig, "seeds">, runs: number | undefined): string | null {
  if (config.seeds === undefined || runs === undefined || runs === config.seeds.length) return null;
  return `asks for ${runs} run${runs === 1 ? "" : "s"} but the config lists ${config.seeds.length} seed${config.seeds.length === 1 ? "" : "s"} (one run each): drop runs, or list ${runs} seeds`;
}
