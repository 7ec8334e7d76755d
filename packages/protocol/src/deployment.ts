import { z } from "zod";
import { claimReportInput } from "./claim-report.js";

const fraction = z.number().min(0, "must be a fraction in [0, 1]").max(1, "must be a fraction in [0, 1]");
const count = z.number().int("must be a whole number").nonnegative("must be 0 or more");
const points = z.number().refine(Number.isFinite, "must be a finite number of points");
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex characters");

export const WEIGHT_VERSIONS = ["one-shot", "recovered"] as const;
export type WeightVersion = (typeof WEIGHT_VERSIONS)[number];

/** One file of an exported bundle: stored as a run artifact under `name`. */
export const bundleFileInput = z.object({
  name: z.string().min(1).max(500),
  bytes: count,
  sha256,
});

/** What the standalone verifier (plain TF.js, a fresh process) measured on the test set. */
export const bundleVerificationInput = z.object({
  correct: count,
  samples: count,
  accuracy: fraction,
  toleranceSamples: count,
  backend: z.string().min(1).max(100),
  tfjsVersion: z.string().min(1).max(50),
  seconds: z.number().nonnegative(),
});

/** A sweep row stored as a deployable bundle in one dtype (one-shot or recovered weights). */
export const rowBundleInput = z.object({
  weights: z.enum(WEIGHT_VERSIONS),
  dtype: z.enum(["float32", "float16", "uint8"]),
  /** Real bytes on disk of model.json + weights. */
  bytes: count,
  testAccuracy: fraction,
  testCorrect: count,
  testSamples: count,
  validationAccuracy: fraction.nullable(),
  /** Present when the bundle was exported: its files (artifacts of the run) and their verification. */
  exported: z
    .object({ files: z.array(bundleFileInput).min(1).max(20), verification: bundleVerificationInput })
    .nullable(),
});
export type RowBundle = z.output<typeof rowBundleInput>;

/** A row after recovery fine-tuning, beside its one-shot numbers. */
export const rowRecoveryInput = z.object({
  epochs: z.number().int().positive(),
  validationAccuracy: fraction,
  testAccuracy: fraction,
  validationAccuracyDrop: points,
  testAccuracyDrop: points,
  seconds: z.number().nonnegative(),
  /** seconds / the base model's training seconds; null when that is unknown (a resumed run loaded its base model). */
  costRelativeToBaseTraining: z.number().nonnegative().nullable(),
});
export type RowRecovery = z.output<typeof rowRecoveryInput>;

const budgetInput = z.object({
  maxBytes: z.number().int().positive(),
  maxAccuracyDropPoints: z.number().min(0).optional(),
  maxLatencyMsPerSample: z.number().positive().optional(),
});

/** The deploy stage's outcome for a run. */
export const runDeploymentInput = z.object({
  /** "budget": the experiment set a device budget; "suggestion": none, so the suggested row was exported. */
  basis: z.enum(["budget", "suggestion"]),
  budget: budgetInput.nullable(),
  /** The core's BudgetAnswer (fits, best or closest, binding or missing, explanation); null without a budget. */
  answer: z
    .object({ fits: z.boolean(), explanation: z.string().max(5000) })
    .loose()
    .nullable(),
  /** The candidate whose bundles were exported and carded; null when the run has none (no row qualifies). */
  chosen: z.object({ rowKey: z.string().min(1), weights: z.enum(WEIGHT_VERSIONS) }).nullable(),
  /** The chosen candidate's model card (the core's ModelCard), also stored as an artifact. */
  modelCard: z.record(z.string(), z.unknown()).nullable(),
  /** Why there is no chosen candidate, for a person. */
  note: z.string().max(2000).nullable(),
});
export type RunDeployment = z.output<typeof runDeploymentInput>;

export const recordDeploymentInput = claimReportInput.extend({
  rows: z
    .array(
      z.object({
        rowKey: z.string().min(1).max(200),
        recovery: rowRecoveryInput.nullable(),
        bundles: z.array(rowBundleInput).max(12),
      }),
    )
    .max(2000),
  deployment: runDeploymentInput,
});
export type RecordDeploymentInput = z.output<typeof recordDeploymentInput>;

/** What a deploy stage reports (recordDeployment's input without the claim). */
export type DeploymentReport = Omit<RecordDeploymentInput, "runId" | "attempt">;
