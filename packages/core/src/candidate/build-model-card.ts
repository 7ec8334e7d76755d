import type { BackendInfo } from "../backend/compute-backend.js";
import type { BundleAccuracy } from "../bundle/evaluate-model-bundle.js";
import { compareDigests, type FileDigest } from "../bundle/file-digest.js";
import type { WeightDtype } from "../bundle/weight-dtype.js";
import type { SplitRecord } from "../data/data-split.js";
import type { FeatureScalingRecord } from "../data/scale-data-split.js";
import { DeadweightError } from "../errors.js";
import { describeInputContract, type InputContract } from "../inputs/input-contract.js";
import { INPUT_CONTRACT_FILE_NAME } from "../inputs/input-contract-file.js";
import type { MajorityClass } from "../learning/majority-class.js";
import { hiddenLayerSizes, type MlpWeights, parameterCount } from "../model/mlp-weights.js";
import type { PruningThreshold } from "../pruning/pruning-threshold.js";
import type { BaseModelMetrics } from "../sweep/sweep-row.js";
import type { BundleVerification } from "../verification/verify-bundle-in-fresh-process.js";
import type { ModelCard, ModelCardBundle } from "./model-card.js";

export interface ModelCardBundleInput {
  readonly weightDtype: WeightDtype;
  readonly bytes: number;
  readonly files: readonly FileDigest[];
  /** The stored test accuracy of the reloaded bundle. */
  readonly test: BundleAccuracy;
  readonly folder?: string;
  readonly verification?: BundleVerification;
  /** Weights stored as float32 in a bundle of another dtype (a folded first layer in uint8); none when absent. */
  readonly float32Weights?: readonly string[];
}

export interface ModelCardInput {
  readonly candidateId: string;
  readonly createdAt: Date;
  readonly source: { readonly runId: string | null; readonly description?: string };
  readonly threshold: PruningThreshold;
  /** See ModelCard.note; absent: null. */
  readonly note?: string | null;
  readonly base: BaseModelMetrics;
  /** The candidate's parameters as exported (pruned, possibly fine-tuned). */
  readonly weights: MlpWeights;
  readonly oneShot: { readonly validationAccuracy: number; readonly testAccuracy: number };
  /** Present when the exported weights are the fine-tuned ones. */
  readonly recovery: {
    readonly validationAccuracy: number;
    readonly testAccuracy: number;
    readonly epochs: number;
    readonly seconds: number;
    readonly baseTrainingSeconds: number;
  } | null;
  /** null when the candidate's latency was not measured. */
  readonly latencyMsPerSample: number | null;
  /** One entry per stored dtype: what measureModelBundle measured, where it was written, how it was verified. */
  readonly bundles: readonly ModelCardBundleInput[];
  readonly split: SplitRecord;
  readonly backend: BackendInfo;
  /** What the bundles take: the features' names and the scaling folded into the first layer. */
  readonly inputs: {
    readonly featureNames: readonly string[] | null;
    readonly scaling: FeatureScalingRecord;
    /** The input contract the bundles state when their inputs were pruned; absent or null otherwise. */
    readonly contract?: InputContract | null;
  };
  /** Class index -> name when the data named its classes (e.g. CSV labels); null otherwise. */
  readonly classNames: readonly string[] | null;
  /** The baseline of always answering the training part's majority class; null when unknown. */
  readonly majorityClass: MajorityClass | null;
}

/**
 * Assembles a candidate's model card. Refuses to vouch for what it cannot: throws INVALID_OPTION
 * for two bundles of one dtype or weights that do not match the base architecture,
 * VERIFICATION_FAILED when a verification measured another accuracy than the bundle stores, and
 * BUNDLE_INTEGRITY when a verification read other files than the bundle's.
 */
export function buildModelCard(input: ModelCardInput): ModelCard {
  const { base, weights } = input;
  const first = weights.layers[0];
  const last = weights.layers[weights.layers.length - 1];
  const keptNeurons = hiddenLayerSizes(weights);
  if (first === undefined || last === undefined || keptNeurons.length !== base.hiddenSizes.length) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `candidate "${input.candidateId}": has ${keptNeurons.length} hidden layers but the base model has ${base.hiddenSizes.length}`,
    );
  }
  const seen = new Set<string>();
  const bundles = input.bundles.map((entry): ModelCardBundle => {
    const { folder, verification } = entry;
    const dtype = entry.weightDtype;
    if (seen.has(dtype)) {
      throw new DeadweightError(
        "INVALID_OPTION",
        `candidate "${input.candidateId}": two ${dtype} bundles; give one per dtype`,
      );
    }
    seen.add(dtype);
    if (verification !== undefined) assertVerificationMatches(input.candidateId, entry, verification);
    return {
      weightDtype: dtype,
      folder: folder ?? null,
      bytes: entry.bytes,
      testAccuracy: entry.test.accuracy,
      testCorrect: entry.test.correct,
      testSamples: entry.test.samples,
      testAccuracyDropPoints: 100 * (base.testAccuracy - entry.test.accuracy),
      float32Weights: [...(entry.float32Weights ?? [])],
      verification:
        verification === undefined
          ? null
          : {
              backend: verification.verifier.backend,
              tfjsVersion: verification.verifier.tfjsVersion,
              correct: verification.measured.correct,
              samples: verification.measured.samples,
              toleranceSamples: verification.toleranceSamples,
            },
      files: [...entry.files],
    };
  });
  if (input.inputs.featureNames !== null && input.inputs.featureNames.length !== first.inputSize) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `candidate "${input.candidateId}": ${input.inputs.featureNames.length} feature names for ${first.inputSize} inputs`,
    );
  }
  if (input.classNames !== null && input.classNames.length > last.outputSize) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `candidate "${input.candidateId}": ${input.classNames.length} class names for ${last.outputSize} outputs`,
    );
  }
  const kept = parameterCount(weights);
  const recovery = input.recovery;
  const majority = input.majorityClass;
  return {
    format: "deadweight-model-card",
    formatVersion: 1,
    candidateId: input.candidateId,
    createdAt: input.createdAt.toISOString(),
    source: { runId: input.source.runId, description: input.source.description ?? null },
    threshold: input.threshold,
    note: input.note ?? null,
    architecture: {
      inputSize: first.inputSize,
      classCount: last.outputSize,
      activation: first.activation === "tanh" ? "tanh" : "relu",
      baseHiddenSizes: [...base.hiddenSizes],
      keptNeurons,
    },
    inputs: {
      featureNames: input.inputs.featureNames === null ? null : [...input.inputs.featureNames],
      scaling: input.inputs.scaling,
      contract: contractOfCard(input.candidateId, input.inputs.contract ?? null, first.inputSize),
    },
    classNames: input.classNames === null ? null : [...input.classNames],
    parameters: { kept, base: base.parameters, reductionPercent: (100 * (base.parameters - kept)) / base.parameters },
    weights: recovery === null ? "one-shot" : "recovered",
    accuracy: {
      base: { validation: base.validationAccuracy, test: base.testAccuracy },
      majorityClass:
        majority === null
          ? null
          : {
              classIndex: majority.index,
              className: majority.name,
              validation: majority.validationRate,
              test: majority.testRate,
            },
      oneShot: { validation: input.oneShot.validationAccuracy, test: input.oneShot.testAccuracy },
      recovered:
        recovery === null
          ? null
          : {
              validation: recovery.validationAccuracy,
              test: recovery.testAccuracy,
              epochs: recovery.epochs,
              seconds: recovery.seconds,
              baseTrainingSeconds: recovery.baseTrainingSeconds,
              costRelativeToBaseTraining: recovery.seconds / recovery.baseTrainingSeconds,
            },
    },
    latencyMsPerSample: input.latencyMsPerSample,
    bytesPerDtype: Object.fromEntries(bundles.map((bundle) => [bundle.weightDtype, bundle.bytes])),
    bundles,
    dataSplit: input.split,
    backend: input.backend,
  };
}

function assertVerificationMatches(
  candidateId: string,
  measured: ModelCardBundleInput,
  verification: BundleVerification,
): void {
  const dtype = measured.weightDtype;
  const integrity = compareDigests(verification.files, measured.files);
  if (!integrity.intact) {
    throw new DeadweightError(
      "BUNDLE_INTEGRITY",
      `candidate "${candidateId}" (${dtype}): the verified files are not the measured bundle's: ${integrity.problems.join("; ")}`,
    );
  }
  const { correct, samples } = verification.measured;
  if (samples !== measured.test.samples || Math.abs(correct - measured.test.correct) > verification.toleranceSamples) {
    throw new DeadweightError(
      "VERIFICATION_FAILED",
      `candidate "${candidateId}" (${dtype}): verified ${correct}/${samples} correct but ${measured.test.correct}/${measured.test.samples} is stored; the card would not describe the files`,
    );
  }
}

function contractOfCard(
  candidateId: string,
  contract: InputContract | null,
  inputSize: number,
): ModelCard["inputs"]["contract"] {
  if (contract === null) return null;
  if (contract.keptFeatures.length !== inputSize) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `candidate "${candidateId}": its input contract keeps ${contract.keptFeatures.length} features but the model takes ${inputSize}`,
    );
  }
  return {
    file: INPUT_CONTRACT_FILE_NAME,
    originalWidth: contract.originalWidth,
    keptFeatures: [...contract.keptFeatures],
    featureNames: contract.featureNames === undefined ? null : [...contract.featureNames],
    description: describeInputContract(contract),
  };
}
