import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ActivationStats,
  applyPruningPlan,
  type BudgetAnswer,
  type BudgetCandidate,
  type BundleVerification,
  buildModelCard,
  exportVerifiedBundles,
  type MeasuredBundle,
  type MlpWeights,
  measureModelBundle,
  planPruning,
  type RecoveredRow,
  recoverSweepRows,
  SUGGESTION_MAX_VALIDATION_DROP,
  type SweepRow,
  selectForBudget,
  suggestedRow,
  type ThresholdSweep,
  type WeightDtype,
  writeBinaryDatasetFile,
} from "@deadweight/core";
import type { DeploymentReport } from "../../api/worker-api.js";
import { attemptOf, type StageContext } from "../stage-context.js";
import type { LoadedRun } from "./load-stage.js";
import type { TrainedRun } from "./train-stage.js";

type WeightVersion = "one-shot" | "recovered";

/**
 * Pareto rows measured as bundles at most: each costs an encode, a reload and two evaluations per
 * dtype, and a fine threshold grid can put a hundred rows on the frontier. Past this, rows evenly
 * spread over the frontier's sizes are measured (the suggested row always is).
 */
export const MAX_MEASURED_CANDIDATES = 12;
type RowReport = DeploymentReport["rows"][number];

/** A candidate network: a sweep row's pruned weights, straight after surgery or fine-tuned, measured per dtype. */
interface Variant {
  readonly row: SweepRow;
  readonly version: WeightVersion;
  readonly network: MlpWeights;
  readonly measured: Map<WeightDtype, MeasuredBundle>;
  readonly recovery: RecoveredRow | null;
}

/**
 * Deployment candidates (after the sweep): every Pareto row is measured as a bundle in each configured
 * dtype (real bytes, accuracy after reloading); the device budget picks the most accurate that fits
 * (else the suggested row is taken); optional recovery fine-tunes rows and measures them again; the
 * chosen candidate's bundles are written, reloaded in a fresh process with plain TF.js and checked
 * against the stored accuracy (a mismatch fails the run), stored as artifacts with a model card.
 */
export async function deployStage(
  context: StageContext,
  loaded: LoadedRun,
  trained: TrainedRun,
  stats: ActivationStats,
  sweep: ThresholdSweep,
): Promise<void> {
  const settings = loaded.config.deployment;
  const { split } = loaded;
  const base = sweep.base;
  const say = (message: string) => context.progress.set({ stage: "deploy", message });
  const suggested = suggestedRow(sweep.rows);
  const budget = settings.budget ?? null;
  // Without a budget nothing is chosen among rows: only the suggested row is measured (and exported).
  const candidates =
    budget === null && settings.bundles === "answer" && settings.recover === "answer"
      ? suggested === null
        ? []
        : [suggested]
      : measuredCandidates(sweep.rows, suggested);

  const measure = async (row: SweepRow, version: WeightVersion, network: MlpWeights, recovery: RecoveredRow | null) => {
    const measured = new Map<WeightDtype, MeasuredBundle>();
    for (const dtype of settings.dtypes) {
      context.signal.throwIfAborted();
      say(`measuring ${row.id} (${version}) as a ${dtype} bundle`);
      measured.set(
        dtype,
        await measureModelBundle(
          network,
          dtype,
          // Validation accuracy too: budgets choose on it, here and in a project's budget queries later.
          { test: split.test, validation: split.validation },
          `${row.id} ${dtype}`,
        ),
      );
    }
    return { row, version, network, measured, recovery } satisfies Variant;
  };

  const variants: Variant[] = [];
  for (const row of candidates) {
    variants.push(
      await measure(row, "one-shot", applyPruningPlan(trained.weights, planPruning(stats, row.threshold)), null),
    );
  }
  let answer =
    budget === null || variants.length === 0 ? null : selectForBudget(variants.map(budgetCandidateOf(base)), budget);

  if (settings.recoveryEpochs > 0 && variants.length > 0) {
    const target =
      settings.recover === "pareto"
        ? candidates
        : [answer === null ? suggested : variantOf(variants, optionOf(answer)).row];
    const rows = target.filter((row): row is SweepRow => row !== null);
    const baseTrainingSeconds = trained.training?.seconds ?? null;
    say(`fine-tuning ${rows.length} row(s) for ${settings.recoveryEpochs} epoch(s)`);
    const recovered = await recoverSweepRows({
      weights: trained.weights,
      stats,
      rows,
      base,
      // A resumed run loaded its base model: its training time is not known here, so no cost ratio is recorded.
      baseTrainingSeconds: baseTrainingSeconds ?? 1,
      split,
      training: {
        epochs: settings.recoveryEpochs,
        batchSize: loaded.config.training.batchSize,
        learningRate: loaded.config.training.learningRate,
        seed: loaded.config.seed,
      },
      onProgress: ({ rowId, done, total, training }) =>
        context.progress.set({
          stage: "deploy",
          ...(training === undefined
            ? {}
            : { epoch: training.epoch, epochs: training.epochs, loss: training.loss, accuracy: training.accuracy }),
          message: `fine-tuning ${rowId} (${done + 1}/${total})`,
        }),
    });
    for (const recovery of recovered) {
      const row = rows.find((entry) => entry.id === recovery.rowId)!;
      const corrected =
        baseTrainingSeconds === null ? { ...recovery, costRelativeToBaseTraining: Number.NaN } : recovery;
      variants.push(await measure(row, "recovered", recovery.weights, corrected));
    }
    if (budget !== null) answer = selectForBudget(variants.map(budgetCandidateOf(base)), budget);
  }

  const chosen =
    answer !== null
      ? variantOf(variants, optionOf(answer))
      : suggested === null
        ? null
        : (variants.find((variant) => variant.row === suggested && variant.version === "recovered") ??
          variants.find((variant) => variant.row === suggested && variant.version === "one-shot") ??
          null);
  const toExport = settings.bundles === "pareto" ? variants : chosen === null ? [] : [chosen];

  const verified = new Map<string, BundleVerification>();
  let modelCard: Record<string, unknown> | null = null;
  const workspace = await mkdtemp(join(tmpdir(), `deadweight-deploy-${context.run.id}-`));
  try {
    const testSetFile = join(workspace, "test-set.dwds");
    await writeBinaryDatasetFile(testSetFile, split.test);
    const exports = toExport.flatMap((variant) =>
      [...variant.measured].map(([dtype, measured]) => ({ variant, dtype, measured })),
    );
    context.signal.throwIfAborted();
    say(`verifying ${exports.length} bundle(s) in a fresh process with plain TF.js`);
    // One process for all of them: TF.js starts once.
    const verifications = await exportVerifiedBundles(
      exports.map(({ variant, dtype, measured }) => ({
        bundle: measured.bundle,
        options: {
          folder: join(workspace, variant.row.id, variant.version, dtype),
          testSetFile,
          expected: measured.test,
        },
      })),
    );
    for (const [index, { variant, dtype, measured }] of exports.entries()) {
      context.signal.throwIfAborted();
      verified.set(keyOf(variant, dtype), verifications[index]!);
      for (const file of measured.bundle.files) {
        await context.api.uploadArtifact({
          ...attemptOf(context),
          name: bundleFileName(variant, dtype, file.name),
          kind: "bundle",
          contentType: file.name.endsWith(".json") ? "application/json" : "application/octet-stream",
          bytes: file.bytes,
          resultRowKey: variant.row.id,
        });
      }
    }
    if (chosen !== null) {
      const card = buildModelCard({
        candidateId: `${chosen.row.id}/${chosen.version}`,
        createdAt: new Date(),
        source: { runId: context.run.id, description: `experiment "${context.run.experimentName}"` },
        threshold: chosen.row.threshold,
        base,
        weights: chosen.network,
        oneShot: {
          validationAccuracy: chosen.row.validationAccuracy ?? 0,
          testAccuracy: chosen.row.testAccuracy ?? 0,
        },
        recovery:
          chosen.recovery === null
            ? null
            : {
                validationAccuracy: chosen.recovery.recovered.validationAccuracy,
                testAccuracy: chosen.recovery.recovered.testAccuracy,
                epochs: chosen.recovery.epochs,
                seconds: chosen.recovery.seconds,
                baseTrainingSeconds: trained.training?.seconds ?? Number.NaN,
              },
        latencyMsPerSample: chosen.row.latencyMsPerSample ?? 0,
        bundles: [...chosen.measured].map(([dtype, measured]) => {
          const verification = verified.get(keyOf(chosen, dtype));
          return {
            weightDtype: dtype,
            bytes: measured.bytes,
            files: measured.files,
            test: measured.test,
            ...(verification === undefined ? {} : { verification }),
          };
        }),
        split: split.record,
        backend: loaded.backend,
      });
      modelCard = JSON.parse(JSON.stringify(card)) as Record<string, unknown>;
      await context.api.uploadArtifact({
        ...attemptOf(context),
        name: `bundles/${chosen.row.id}/${chosen.version}/model-card.json`,
        kind: "model-card",
        contentType: "application/json",
        bytes: new TextEncoder().encode(`${JSON.stringify(card, null, 2)}\n`),
        resultRowKey: chosen.row.id,
      });
    }
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }

  await context.api.recordDeployment({
    ...attemptOf(context),
    rows: rowReports(variants, verified),
    deployment: {
      basis: budget === null ? "suggestion" : "budget",
      budget,
      answer:
        answer === null
          ? null
          : (JSON.parse(JSON.stringify(answer)) as NonNullable<DeploymentReport["deployment"]["answer"]>),
      chosen: chosen === null ? null : { rowKey: chosen.row.id, weights: chosen.version },
      modelCard,
      note:
        chosen !== null
          ? null
          : variants.length === 0
            ? "no threshold left a usable model, so there is nothing to deploy"
            : `no row keeps validation accuracy within ${SUGGESTION_MAX_VALIDATION_DROP} points of the base model, so none was suggested; set a device budget to choose one`,
    },
  });
}

/** The Pareto rows (and the suggested row), thinned evenly by size to MAX_MEASURED_CANDIDATES. */
export function measuredCandidates(rows: readonly SweepRow[], suggested: SweepRow | null): SweepRow[] {
  const frontier = rows
    .filter((row) => row.status === "ok" && (row.pareto || row === suggested))
    .sort((a, b) => a.parameters - b.parameters);
  if (frontier.length <= MAX_MEASURED_CANDIDATES) return frontier;
  const step = (frontier.length - 1) / (MAX_MEASURED_CANDIDATES - 1);
  const picked = new Set(Array.from({ length: MAX_MEASURED_CANDIDATES }, (_, i) => frontier[Math.round(i * step)]!));
  if (suggested !== null) picked.add(suggested);
  return frontier.filter((row) => picked.has(row));
}

function budgetCandidateOf(base: ThresholdSweep["base"]) {
  return (variant: Variant): BudgetCandidate => ({
    id: `${variant.row.id}/${variant.version}`,
    latencyMsPerSample: variant.row.latencyMsPerSample ?? 0,
    bundles: [...variant.measured].map(([dtype, measured]) => ({
      weightDtype: dtype,
      bytes: measured.bytes,
      // Chosen on validation accuracy: the test set is only reported.
      accuracyDropPoints: (base.validationAccuracy - (measured.validation?.accuracy ?? 0)) * 100,
    })),
  });
}

function optionOf(answer: BudgetAnswer) {
  return answer.fits ? answer.best : answer.closest;
}

function variantOf(variants: readonly Variant[], option: { readonly candidateId: string }): Variant {
  return variants.find((variant) => `${variant.row.id}/${variant.version}` === option.candidateId)!;
}

function keyOf(variant: Variant, dtype: WeightDtype): string {
  return `${variant.row.id}/${variant.version}/${dtype}`;
}

function bundleFileName(variant: Variant, dtype: WeightDtype, file: string): string {
  return `bundles/${variant.row.id}/${variant.version}/${dtype}/${file}`;
}

function rowReports(variants: readonly Variant[], verified: ReadonlyMap<string, BundleVerification>): RowReport[] {
  const byRow = new Map<string, RowReport>();
  for (const variant of variants) {
    const report = byRow.get(variant.row.id) ?? { rowKey: variant.row.id, recovery: null, bundles: [] };
    const recovery: RowReport["recovery"] =
      variant.recovery === null
        ? report.recovery
        : {
            epochs: variant.recovery.epochs,
            validationAccuracy: variant.recovery.recovered.validationAccuracy,
            testAccuracy: variant.recovery.recovered.testAccuracy,
            validationAccuracyDrop: variant.recovery.recoveredValidationAccuracyDrop,
            testAccuracyDrop: variant.recovery.recoveredTestAccuracyDrop,
            seconds: variant.recovery.seconds,
            costRelativeToBaseTraining: Number.isFinite(variant.recovery.costRelativeToBaseTraining)
              ? variant.recovery.costRelativeToBaseTraining
              : null,
          };
    const bundles = [...variant.measured].map(([dtype, measured]): RowReport["bundles"][number] => {
      const verification = verified.get(keyOf(variant, dtype));
      return {
        weights: variant.version,
        dtype,
        bytes: measured.bytes,
        testAccuracy: measured.test.accuracy,
        testCorrect: measured.test.correct,
        testSamples: measured.test.samples,
        validationAccuracy: measured.validation?.accuracy ?? null,
        exported:
          verification === undefined
            ? null
            : {
                files: measured.files.map((file) => ({
                  name: bundleFileName(variant, dtype, file.name),
                  bytes: file.bytes,
                  sha256: file.sha256,
                })),
                verification: {
                  correct: verification.measured.correct,
                  samples: verification.measured.samples,
                  accuracy: verification.measured.accuracy,
                  toleranceSamples: verification.toleranceSamples,
                  backend: verification.verifier.backend,
                  tfjsVersion: verification.verifier.tfjsVersion,
                  seconds: verification.verifier.seconds,
                },
              },
      };
    });
    byRow.set(variant.row.id, { ...report, recovery, bundles: [...report.bundles, ...bundles] });
  }
  return [...byRow.values()];
}
