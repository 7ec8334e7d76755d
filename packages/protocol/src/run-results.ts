import type {
  ActivationStats,
  BackendInfo,
  BaseModelMetrics,
  PruningThreshold,
  SplitRecord,
  SweepRow,
} from "@deadweight/core";
import { MAX_RESULT_ROWS } from "@deadweight/core/tensor-free";
import { z } from "zod";
import { claimReportInput } from "./claim-report.js";

/**
 * What a worker reports when a run's sweep is done: the core's ExperimentResult minus the models
 * (those go up as artifacts over HTTP). Validated at the edge so stored numbers are always finite.
 */

const count = z.number().int("must be a whole number").nonnegative("must be 0 or more");
const accuracy = z.number().min(0, "must be a fraction in [0, 1]").max(1, "must be a fraction in [0, 1]");
const threshold = z.number().nonnegative("must be 0 or more");

export const pruningThresholdInput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("meanStd"), mean: threshold, std: threshold }).strict(),
  z.object({ kind: z.literal("stdFold"), std: threshold }).strict(),
  z.object({ kind: z.literal("apoz"), apoz: accuracy }).strict(),
  z
    .object({
      kind: z.literal("rank"),
      keepFraction: z.number().gt(0, "must be above 0").max(1, "must be at most 1"),
      score: z.enum(["std", "meanAbs", "nonZeroFraction"]),
    })
    .strict(),
]) satisfies z.ZodType<PruningThreshold>;

export const sweepRowInput = z
  .object({
    id: z.string().min(1, "must not be empty").max(200, "must be at most 200 characters"),
    threshold: pruningThresholdInput,
    status: z.enum(["ok", "emptied-layer"]),
    note: z.string().max(2000).optional(),
    keptNeurons: z.array(count),
    keptNeuronTotal: count,
    parameters: count,
    bytes: count,
    validationAccuracy: accuracy.nullable(),
    testAccuracy: accuracy.nullable(),
    validationAccuracyDrop: z.number().nullable(),
    testAccuracyDrop: z.number().nullable(),
    parameterReductionPercent: z.number(),
    neuronReductionPercent: z.number(),
    latencyMsPerSample: z.number().nonnegative("must be 0 or more").nullable(),
    pareto: z.boolean(),
  })
  .strict() satisfies z.ZodType<SweepRow>;

export const baseModelMetricsInput = z
  .object({
    hiddenSizes: z.array(count),
    parameters: count,
    bytes: count,
    validationAccuracy: accuracy,
    testAccuracy: accuracy,
    latencyMsPerSample: z.number().nonnegative("must be 0 or more"),
    /** Which inputs the network reads when its near-constant inputs were pruned (pruning.inputStdThreshold). */
    inputPruning: z
      .object({
        stdThreshold: threshold,
        originalWidth: count,
        keptCount: count,
        keptFeatures: z.array(count),
        parametersBeforeInputPruning: count,
      })
      .strict()
      .optional(),
  })
  .strict() satisfies z.ZodType<BaseModelMetrics>;

const neuronStatsInput = z
  .object({
    mean: z.number(),
    std: z.number().nonnegative("must be 0 or more"),
    min: z.number(),
    max: z.number(),
    apoz: accuracy,
  })
  .strict();

export const activationStatsInput = z
  .object({
    sampleCount: count,
    layers: z.array(
      z
        .object({
          layerIndex: count,
          neurons: z.array(neuronStatsInput),
          histograms: z.array(
            z
              .object({
                edges: z.array(z.number()),
                // Stored as uint32.
                counts: z.array(count.max(0xffff_ffff, "must fit in 32 bits")),
              })
              .strict(),
          ),
        })
        .strict(),
    ),
  })
  .strict() satisfies z.ZodType<ActivationStats>;

export const backendInfoInput = z
  .object({
    name: z.enum(["tensorflow", "wasm", "cpu"]),
    description: z.string().max(500),
    warning: z.string().max(2000).optional(),
    threads: z.number().int().positive().max(1024).optional(),
    openBlas: z.string().max(500).optional(),
    openBlasUnavailable: z.string().max(2000).optional(),
  })
  .strict() satisfies z.ZodType<BackendInfo>;

const splitPartInput = z.object({ source: z.string().min(1), from: count, to: count }).strict();
export const splitRecordInput = z
  .object({ train: splitPartInput, validation: splitPartInput, test: splitPartInput })
  .strict() satisfies z.ZodType<SplitRecord>;

export const runResultsInput = z.object({
  base: baseModelMetricsInput,
  /** The whole sweep, in sweep order (the order is kept as each row's position). */
  rows: z.array(sweepRowInput).max(MAX_RESULT_ROWS, `at most ${MAX_RESULT_ROWS} rows`),
  stats: activationStatsInput.optional(),
  backend: backendInfoInput,
  split: splitRecordInput,
  /** Seconds per stage (train, statistics, sweep, export). */
  timings: z.record(z.string(), z.number().nonnegative("must be 0 or more")),
});
export type RunResultsInput = z.output<typeof runResultsInput>;

/** A held run's results, reported once its sweep is done (idempotent: a retry stores nothing twice). */
export const recordWorkerResultsInput = claimReportInput.extend({ results: runResultsInput });
export type RecordWorkerResultsInput = z.output<typeof recordWorkerResultsInput>;
