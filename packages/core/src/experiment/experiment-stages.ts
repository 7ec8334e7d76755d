import type { DataSplit } from "../data/data-split.js";
import type { Dataset } from "../data/dataset.js";
import { exportLayersModel, type LayersModelFiles } from "../export/layers-model-files.js";
import { disposeDenseLayers, uploadDenseLayer } from "../model/dense-forward.js";
import { foldInputScaling, type InputScaling } from "../model/fold-input-scaling.js";
import { createMlpNetwork, readMlpWeights } from "../model/mlp-network.js";
import type { HiddenActivation } from "../model/mlp-spec.js";
import type { MlpWeights } from "../model/mlp-weights.js";
import { type TrainingOptions, type TrainingProgress, type TrainingSummary, trainMlp } from "../model/train-mlp.js";
import { applyPruningPlan } from "../pruning/apply-pruning-plan.js";
import { planPruning } from "../pruning/plan-pruning.js";
import type { ActivationStats } from "../stats/activation-stats.js";
import { measureActivations } from "../stats/measure-activations.js";
import type { SweepRow } from "../sweep/sweep-row.js";

/**
 * The stages of an experiment as separate steps, so a caller that stores each stage's output (a
 * worker that may be stopped and resumed on another machine) can run them one at a time.
 * runExperiment is these steps in a row.
 */

export interface BaseModelTraining {
  readonly hiddenSizes: readonly number[];
  readonly activation: HiddenActivation;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
}

export interface TrainedBaseModel {
  readonly weights: MlpWeights;
  readonly training: TrainingSummary;
}

/** Where training checkpoints come from and go to (see TrainingOptions). */
export type TrainingCheckpointing = Pick<TrainingOptions, "resumeFrom" | "onEpochEnd">;

/**
 * Trains a fresh seeded MLP on the split's training part (or goes on from a checkpoint) and returns
 * its parameters in plain memory.
 */
export async function trainBaseModel(
  split: DataSplit,
  settings: BaseModelTraining,
  onProgress?: (progress: TrainingProgress) => void,
  signal?: AbortSignal,
  checkpointing: TrainingCheckpointing = {},
): Promise<TrainedBaseModel> {
  const network = createMlpNetwork(
    {
      inputSize: split.train.featureCount,
      hiddenSizes: settings.hiddenSizes,
      activation: settings.activation,
      classCount: split.train.classCount,
    },
    settings.seed,
  );
  try {
    const training = await trainMlp(
      network,
      split,
      {
        epochs: settings.epochs,
        batchSize: settings.batchSize,
        learningRate: settings.learningRate,
        seed: settings.seed,
        ...(signal === undefined ? {} : { signal }),
        ...checkpointing,
      },
      onProgress,
    );
    return { weights: readMlpWeights(network), training };
  } finally {
    network.dispose();
  }
}

/** Measures every hidden neuron of the network `weights` describes on `dataset` (the validation set). */
export async function measureModelActivations(
  weights: MlpWeights,
  dataset: Dataset,
  onProgress?: (progress: { readonly samplesDone: number; readonly samplesTotal: number }) => void,
): Promise<ActivationStats> {
  const layers = weights.layers.map(uploadDenseLayer);
  try {
    return await measureActivations(layers, dataset, onProgress === undefined ? {} : { onProgress });
  } finally {
    disposeDenseLayers(layers);
  }
}

/** The sweep rows whose pruned models an experiment exports: none, the Pareto frontier, or every row that has a model. */
export function rowsToExport(rows: readonly SweepRow[], exportModels: "pareto" | "all" | "none"): SweepRow[] {
  return rows.filter(
    (row) => row.status === "ok" && (exportModels === "all" || (exportModels === "pareto" && row.pareto)),
  );
}

/**
 * The trained base model in the TF.js layers format, taking raw features: `scaling` (the split's,
 * splitFeatureScaling) is folded into its first layer.
 */
export function exportBaseModel(weights: MlpWeights, scaling: InputScaling): Promise<LayersModelFiles> {
  return exportLayersModel(foldInputScaling(weights, scaling));
}

/** The pruned model of one sweep row, in the TF.js layers format, taking raw features (`scaling` folded in as exportBaseModel does). */
export function exportPrunedModel(
  weights: MlpWeights,
  stats: ActivationStats,
  row: Pick<SweepRow, "threshold">,
  scaling: InputScaling,
): Promise<LayersModelFiles> {
  return exportLayersModel(foldInputScaling(applyPruningPlan(weights, planPruning(stats, row.threshold)), scaling));
}
