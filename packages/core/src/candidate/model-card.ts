import type { BackendInfo } from "../backend/compute-backend.js";
import type { FileDigest } from "../bundle/file-digest.js";
import type { WeightDtype } from "../bundle/weight-dtype.js";
import type { SplitRecord } from "../data/data-split.js";
import type { FeatureScalingRecord } from "../data/scale-data-split.js";
import type { HiddenActivation } from "../model/mlp-spec.js";
import type { PruningThreshold } from "../pruning/pruning-threshold.js";

/** A pair of accuracies (fractions in [0, 1]) on the validation and test parts of the split. */
export interface SplitAccuracies {
  readonly validation: number;
  readonly test: number;
}

/** One stored form of the candidate: its files, real size, accuracy after reloading and verification. */
export interface ModelCardBundle {
  readonly weightDtype: WeightDtype;
  /** Folder of the bundle relative to the card, when the caller wrote it somewhere ("uint8"). */
  readonly folder: string | null;
  /** Total bytes of the files below: the bundle's real size on disk. */
  readonly bytes: number;
  /** Test accuracy of the bundle reloaded with TF.js (quantisation included), and its sample counts. */
  readonly testAccuracy: number;
  readonly testCorrect: number;
  readonly testSamples: number;
  /** Base test accuracy minus testAccuracy, in points. */
  readonly testAccuracyDropPoints: number;
  /**
   * Weights kept as float32 in a bundle of another dtype: the first layer of a uint8 bundle whose
   * input scaling is folded in (its rows differ by the features' scales); empty otherwise.
   */
  readonly float32Weights: string[];
  /** The fresh-process check with plain TF.js, or null when the bundle was not verified. */
  readonly verification: {
    readonly backend: string;
    readonly tfjsVersion: string;
    readonly correct: number;
    readonly samples: number;
    readonly toleranceSamples: number;
  } | null;
  /** Name, size and sha256 of every file of the bundle. */
  readonly files: FileDigest[];
}

/**
 * Everything a person deploying a candidate needs to trust it, as one JSON document: where it came
 * from, what was cut, what it weighs in each stored dtype, how accurate and fast it is, on which
 * data and backend that was measured, and the sha256 of every file.
 */
export interface ModelCard {
  readonly format: "deadweight-model-card";
  readonly formatVersion: 1;
  readonly candidateId: string;
  readonly createdAt: string;
  readonly source: { readonly runId: string | null; readonly description: string | null };
  readonly threshold: PruningThreshold;
  /**
   * How the candidate was reached when its threshold alone does not say: a schedule round's row note
   * (every round's threshold, recovery epochs per round); null for a row pruned once from the base model.
   */
  readonly note: string | null;
  readonly architecture: {
    readonly inputSize: number;
    readonly classCount: number;
    readonly activation: HiddenActivation;
    readonly baseHiddenSizes: number[];
    /** Neurons kept per hidden layer. */
    readonly keptNeurons: number[];
  };
  /**
   * What the bundles take: raw features, in this order (names when the data had a header), with the
   * scaling the network was trained with folded into the first Dense layer (see FeatureScalingRecord).
   */
  readonly inputs: {
    readonly featureNames: string[] | null;
    readonly scaling: FeatureScalingRecord;
    /**
     * When constant input features were pruned: the bundles read only `keptFeatures` of the original
     * `originalWidth`, in order, as `file` (beside model.json) states; null when they read every feature.
     */
    readonly contract: {
      readonly file: string;
      readonly originalWidth: number;
      readonly keptFeatures: number[];
      readonly featureNames: string[] | null;
      readonly description: string;
    } | null;
  };
  /** Output index -> class name when the data named its classes (sorted names: CSV labels); null otherwise. */
  readonly classNames: string[] | null;
  readonly parameters: { readonly kept: number; readonly base: number; readonly reductionPercent: number };
  /** Which weights the bundles hold: straight after surgery, or after recovery fine-tuning. */
  readonly weights: "one-shot" | "recovered";
  readonly accuracy: {
    readonly base: SplitAccuracies;
    /** Always answering the training part's most frequent class: what the base model had to beat. */
    readonly majorityClass:
      | (SplitAccuracies & { readonly classIndex: number; readonly className: string | null })
      | null;
    readonly oneShot: SplitAccuracies;
    readonly recovered:
      | (SplitAccuracies & {
          readonly epochs: number;
          readonly seconds: number;
          readonly baseTrainingSeconds: number;
          readonly costRelativeToBaseTraining: number;
        })
      | null;
  };
  /**
   * Median milliseconds of a batch-1 forward pass (the same for every storage dtype: TF.js computes
   * in float32); null when it was not measured: the card claims no latency it did not see.
   */
  readonly latencyMsPerSample: number | null;
  /** Real bytes on disk per stored dtype. */
  readonly bytesPerDtype: Partial<Record<WeightDtype, number>>;
  readonly bundles: ModelCardBundle[];
  readonly dataSplit: SplitRecord;
  readonly backend: BackendInfo;
}
