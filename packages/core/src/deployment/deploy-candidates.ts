import type { BackendInfo } from "../backend/compute-backend.js";
import type { BudgetAnswer, DeploymentBudget } from "../budget/deployment-budget.js";
import { type MeasuredBundle, measureModelBundle } from "../bundle/measure-model-bundle.js";
import { assertWeightDtype, type WeightDtype } from "../bundle/weight-dtype.js";
import { buildModelCard, type ModelCardInput } from "../candidate/build-model-card.js";
import type { ModelCard } from "../candidate/model-card.js";
import type { DataSplit } from "../data/data-split.js";
import { featureScalingRecord, rawSplitParts, splitFeatureScaling } from "../data/scale-data-split.js";
import { DeadweightError } from "../errors.js";
import { checkBaseModelLearning, type LearningCheck } from "../learning/learning-check.js";
import { foldInputScaling } from "../model/fold-input-scaling.js";
import type { MlpWeights } from "../model/mlp-weights.js";
import type { TrainingProgress } from "../model/train-mlp.js";
import { applyPruningPlan } from "../pruning/apply-pruning-plan.js";
import { planPruning } from "../pruning/plan-pruning.js";
import { type RecoveredRow, recoverSweepRows } from "../recovery/recover-sweep-rows.js";
import type { ActivationStats } from "../stats/activation-stats.js";
import { suggestedRow } from "../sweep/suggested-row.js";
import type { BaseModelMetrics, SweepRow } from "../sweep/sweep-row.js";
import { writeBinaryDatasetFile } from "../verification/bundle-folder.js";
import { verificationToleranceSamples } from "../verification/verification-tolerance.js";
import { exportVerifiedBundles } from "../verification/verify-bundle-in-fresh-process.js";
import { bundleFolderName } from "./bundle-paths.js";
import { answeredVariant, chooseByBudget } from "./choose-by-budget.js";
import { chosenVariant } from "./chosen-variant.js";
import { deploymentNote } from "./deployment-note.js";
import { type DeploymentRowReport, deploymentRowReports } from "./deployment-row-reports.js";
import type { DeploymentSettings, WeightVersion } from "./deployment-settings.js";
import type { DeploymentVariant, ExportedBundle } from "./deployment-variant.js";
import { modelCardInputOf } from "./model-card-input.js";
import { rowsToMeasure } from "./rows-to-measure.js";
import { rowsToRecover } from "./rows-to-recover.js";
import { variantsToExport } from "./variants-to-export.js";

export interface DeployCandidatesInput {
  /** The trained, unpruned network and the statistics the sweep pruned it with. */
  readonly weights: MlpWeights;
  readonly stats: ActivationStats;
  readonly sweep: { readonly base: BaseModelMetrics; readonly rows: readonly SweepRow[] };
  /**
   * Networks of rows that are not the base `weights` pruned by their threshold, by row id: the
   * rounds of a pruning schedule (roundNetworks), whose rows are in `sweep.rows` like any other.
   */
  readonly roundNetworks?: ReadonlyMap<string, MlpWeights>;
  /**
   * The split the network was trained on. When its features were scaled (scaleDataSplit), bundles
   * get the scaling folded into their first layer and are measured and verified on the raw features.
   */
  readonly split: DataSplit;
  readonly settings: DeploymentSettings;
  /** Recovery fine-tuning trains with the base model's batch size, learning rate and seed. */
  readonly training: { readonly batchSize: number; readonly learningRate: number; readonly seed: number };
  /** Seconds the base model trained; null when unknown (a resumed run loaded it): no recovery cost ratio then. */
  readonly baseTrainingSeconds: number | null;
  /**
   * The base model's training curve, for checkBaseModelLearning's loss criterion; absent or null when
   * unknown (a resumed run loaded its base model): then only its accuracy is judged.
   */
  readonly baseTraining?: { readonly epochs: readonly { readonly loss: number }[] } | null;
  /** Folder the exported bundles are written to and verified in, as bundleFolderName below it. */
  readonly exportFolder: string;
  /** File the verifier's copy of the test set is written to (the caller removes it). */
  readonly testSetFile: string;
  /** For the model card: when, from what, and on which backend the candidate was measured. */
  readonly card: {
    readonly createdAt: Date;
    readonly source: ModelCardInput["source"];
    readonly backend: BackendInfo;
  };
  readonly onProgress?: (progress: DeploymentProgress) => void;
  /**
   * Checked before each bundle measurement and before verifying (aborting throws the signal's
   * reason) and between fine-tuning batches (training throws CANCELED).
   */
  readonly signal?: AbortSignal;
}

/** What a deployment is doing, for a person watching. */
export interface DeploymentProgress {
  readonly message: string;
  /** While a row is fine-tuned: its training progress. */
  readonly training?: TrainingProgress;
}

/** The decision as a run records it (worker: recordDeployment; CLI: results.json). */
export interface DeploymentRecord {
  /** "budget": a device budget chose; "suggestion": none was set, so the suggested row was deployed. */
  readonly basis: "budget" | "suggestion";
  readonly budget: DeploymentBudget | null;
  /** The budget's answer over every measured variant; null without a budget. */
  readonly answer: BudgetAnswer | null;
  readonly chosen: { readonly rowKey: string; readonly weights: WeightVersion } | null;
  readonly modelCard: ModelCard | null;
  /** Why nothing was chosen, for a person (the base model did not learn: its learning check's message); null when something was. */
  readonly note: string | null;
}

export interface DeploymentOutcome {
  readonly record: DeploymentRecord;
  readonly rows: DeploymentRowReport[];
  /** Every measured variant, one-shot ones first. */
  readonly variants: DeploymentVariant[];
  readonly chosen: DeploymentVariant | null;
  /** The bundles written under exportFolder and verified there, in a fresh process with plain TF.js. */
  readonly exported: ExportedBundle[];
  /** Whether the base model learned: a deployment of one that did not chooses, measures and writes nothing. */
  readonly learning: LearningCheck;
}

/**
 * Deployment candidates after a sweep: measures the rows to consider (rowsToMeasure) as bundles in
 * every configured dtype (real bytes, accuracy after reloading), answers the budget, fine-tunes the
 * rows to recover and measures them again, chooses a variant (the budget's answer, else the suggested
 * row's), writes the bundles to export under `exportFolder` and verifies them in ONE fresh process
 * (a mismatch throws VERIFICATION_FAILED), and builds the chosen variant's model card. Bundles take
 * raw features (the split's scaling folded in) and, when the split's inputs were pruned, state their
 * input contract (input-contract.json) and are verified on the full-width test set. When the base model did not learn
 * (checkBaseModelLearning), nothing is measured or chosen and the note says why. Writes only
 * `exportFolder` and `testSetFile`; stores and uploads nothing. Throws INVALID_OPTION, before any
 * work, on settings without dtypes, with a repeated or unknown dtype, or with a recoveryEpochs that
 * is not a whole number of epochs.
 */
export async function deployCandidates(input: DeployCandidatesInput): Promise<DeploymentOutcome> {
  const { settings, split, sweep, signal } = input;
  assertValidSettings(settings);
  const { base } = sweep;
  const say = (message: string) => input.onProgress?.({ message });
  const budget = settings.budget ?? null;
  const learning = checkBaseModelLearning({
    split,
    validationAccuracy: base.validationAccuracy,
    epochLosses: input.baseTraining?.epochs.map((epoch) => epoch.loss) ?? null,
    learningRate: input.training.learningRate,
  });
  if (learning.verdict === "did-not-learn") {
    return {
      record: {
        basis: budget === null ? "suggestion" : "budget",
        budget,
        answer: null,
        chosen: null,
        modelCard: null,
        note: learning.message,
      },
      rows: [],
      variants: [],
      chosen: null,
      exported: [],
      learning,
    };
  }
  const suggested = suggestedRow(sweep.rows, learning);
  const candidates = rowsToMeasure(sweep.rows, suggested, settings);
  const scaling = splitFeatureScaling(split);
  const raw = rawSplitParts(split);

  const measure = async (
    row: SweepRow,
    version: WeightVersion,
    network: MlpWeights,
    recovery: RecoveredRow | null,
  ): Promise<DeploymentVariant> => {
    const measured = new Map<WeightDtype, MeasuredBundle>();
    for (const dtype of settings.dtypes) {
      signal?.throwIfAborted();
      say(`measuring ${row.id} (${version}) as a ${dtype} bundle`);
      measured.set(
        dtype,
        await measureModelBundle(
          // What ships takes raw features: the scaling is folded in, and the bundle is measured on raw data.
          foldInputScaling(network, scaling),
          dtype,
          // Validation accuracy too: budgets choose on it, here and in a project's budget queries later.
          { test: raw.test, validation: raw.validation },
          `${row.id} ${dtype}`,
          // A folded scaling makes the first kernel's rows too unequal for one uint8 range (see ModelBundleOptions).
          {
            keepFirstLayerFloat32: scaling.method !== "none",
            ...(split.inputPruning === undefined ? {} : { inputContract: split.inputPruning.contract }),
          },
        ),
      );
    }
    return { row, version, network, measured, recovery };
  };

  const networkOf = (row: SweepRow): MlpWeights =>
    input.roundNetworks?.get(row.id) ?? applyPruningPlan(input.weights, planPruning(input.stats, row.threshold));
  const variants: DeploymentVariant[] = [];
  for (const row of candidates) {
    variants.push(await measure(row, "one-shot", networkOf(row), null));
  }
  let answer = chooseByBudget(variants, base, budget);

  const toRecover = rowsToRecover({
    settings,
    measured: candidates,
    answered: answer === null ? null : answeredVariant(variants, answer).row,
    suggested,
  });
  if (toRecover.length > 0) {
    say(`fine-tuning ${toRecover.length} row(s) for ${settings.recoveryEpochs} epoch(s)`);
    const recovered = await recoverSweepRows({
      weights: input.weights,
      stats: input.stats,
      rows: toRecover,
      base,
      // Without the base training time no cost ratio is recorded (see below); 1 only satisfies the check.
      baseTrainingSeconds: input.baseTrainingSeconds ?? 1,
      split,
      networkOf,
      training: { ...input.training, epochs: settings.recoveryEpochs, ...(signal === undefined ? {} : { signal }) },
      onProgress: ({ rowId, done, total, training }) =>
        input.onProgress?.(
          training === undefined
            ? { message: `fine-tuned ${rowId} (${done}/${total})` }
            : { message: `fine-tuning ${rowId} (${done + 1}/${total})`, training },
        ),
    });
    for (const recovery of recovered) {
      const row = toRecover.find((entry) => entry.id === recovery.rowId)!;
      const costed =
        input.baseTrainingSeconds === null ? { ...recovery, costRelativeToBaseTraining: Number.NaN } : recovery;
      variants.push(await measure(row, "recovered", recovery.weights, costed));
    }
    answer = chooseByBudget(variants, base, budget);
  }

  const chosen = chosenVariant(variants, answer, suggested);
  const exported = await exportAndVerify(variantsToExport(variants, chosen, settings.bundles), input, say);
  const modelCard =
    chosen === null
      ? null
      : buildModelCard(
          modelCardInputOf({
            chosen,
            exported,
            base,
            baseTrainingSeconds: input.baseTrainingSeconds,
            createdAt: input.card.createdAt,
            source: input.card.source,
            split: split.record,
            backend: input.card.backend,
            inputs: {
              featureNames: raw.train.featureNames ?? null,
              scaling: featureScalingRecord(split),
              contract: split.inputPruning?.contract ?? null,
            },
            classNames: raw.train.classNames ?? null,
            majorityClass: learning.majorityClass,
          }),
        );
  return {
    record: {
      basis: budget === null ? "suggestion" : "budget",
      budget,
      answer,
      chosen: chosen === null ? null : { rowKey: chosen.row.id, weights: chosen.version },
      modelCard,
      note: deploymentNote(chosen, sweep.rows),
    },
    rows: deploymentRowReports(variants, exported),
    variants,
    chosen,
    exported,
    learning,
  };
}

function assertValidSettings(settings: DeploymentSettings): void {
  if (settings.dtypes.length === 0) {
    throw new DeadweightError("INVALID_OPTION", 'deployment dtypes: give at least one, e.g. ["float32"]');
  }
  for (const dtype of settings.dtypes) assertWeightDtype(dtype);
  if (new Set(settings.dtypes).size !== settings.dtypes.length) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `deployment dtypes: each may appear once, got ${settings.dtypes.join(", ")}`,
    );
  }
  if (!(Number.isInteger(settings.recoveryEpochs) && settings.recoveryEpochs >= 0)) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `deployment recoveryEpochs must be a whole number of epochs (0: no recovery), got ${settings.recoveryEpochs}`,
    );
  }
}

/** Writes every bundle of `variants` under the export folder and verifies them all in one fresh process (TF.js starts once). */
async function exportAndVerify(
  variants: readonly DeploymentVariant[],
  input: DeployCandidatesInput,
  say: (message: string) => void,
): Promise<ExportedBundle[]> {
  const planned = variants.flatMap((variant) =>
    [...variant.measured].map(([dtype, measured]) => ({ variant, dtype, measured })),
  );
  if (planned.length === 0) return [];
  const { join } = await import("node:path");
  // The bundles take raw features (scaling folded in): the verifier reads the test set as the source
  // held it, full width when the inputs were pruned (it applies each bundle's input-contract.json).
  await writeBinaryDatasetFile(
    input.testSetFile,
    input.split.inputPruning?.fullWidthRawTest ?? rawSplitParts(input.split).test,
  );
  input.signal?.throwIfAborted();
  say(`verifying ${planned.length} bundle(s) in a fresh process with plain TF.js`);
  const verifications = await exportVerifiedBundles(
    planned.map(({ variant, dtype, measured }) => ({
      bundle: measured.bundle,
      options: {
        folder: join(input.exportFolder, bundleFolderName(variant.row.id, variant.version, dtype)),
        testSetFile: input.testSetFile,
        expected: measured.test,
        toleranceSamples: verificationToleranceSamples(input.card.backend, measured.test.samples),
      },
    })),
  );
  return planned.map((entry, index) => ({ ...entry, verification: verifications[index]! }));
}
