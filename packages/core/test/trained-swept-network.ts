import type { DataSplit } from "../src/data/data-split.js";
import { measureModelActivations, trainBaseModel } from "../src/experiment/experiment-stages.js";
import type { MlpWeights } from "../src/model/mlp-weights.js";
import type { TrainingSummary } from "../src/model/train-mlp.js";
import type { PruningThreshold } from "../src/pruning/pruning-threshold.js";
import type { ActivationStats } from "../src/stats/activation-stats.js";
import { runThresholdSweep, type ThresholdSweep } from "../src/sweep/run-threshold-sweep.js";

/** What the deployment tests start from: a small relu MLP trained on `split`, its statistics on validation and its sweep. */
export interface TrainedSweptNetwork {
  readonly weights: MlpWeights;
  readonly training: TrainingSummary;
  readonly stats: ActivationStats;
  readonly sweep: ThresholdSweep;
}

export async function trainedSweptNetwork(options: {
  readonly split: DataSplit;
  readonly hiddenSizes: readonly number[];
  readonly epochs: number;
  readonly training: { readonly batchSize: number; readonly learningRate: number; readonly seed: number };
  readonly thresholds: readonly PruningThreshold[];
}): Promise<TrainedSweptNetwork> {
  const { split } = options;
  const { weights, training } = await trainBaseModel(split, {
    hiddenSizes: options.hiddenSizes,
    activation: "relu",
    epochs: options.epochs,
    ...options.training,
  });
  const stats = await measureModelActivations(weights, split.validation);
  const sweep = await runThresholdSweep({
    weights,
    stats,
    validation: split.validation,
    test: split.test,
    thresholds: options.thresholds,
  });
  return { weights, training, stats, sweep };
}
