import type { DataSplit } from "../data/data-split.js";
import { evaluateAccuracy } from "../model/evaluate-accuracy.js";
import { buildMlpNetwork, readMlpWeights } from "../model/mlp-network.js";
import type { MlpWeights } from "../model/mlp-weights.js";
import { borrowNetworkTensors } from "../model/network-tensors.js";
import { type TrainingOptions, type TrainingProgress, type TrainingSummary, trainMlp } from "../model/train-mlp.js";

/** A pruned network after recovery fine-tuning, measured like a sweep row. */
export interface RecoveredNetwork {
  readonly weights: MlpWeights;
  /** Accuracies (fractions) after fine-tuning, on the split's validation and test parts. */
  readonly validationAccuracy: number;
  readonly testAccuracy: number;
  readonly epochs: number;
  /** Training seconds of the fine-tuning, measured as the base model's training is (TrainingSummary.seconds). */
  readonly seconds: number;
  readonly training: TrainingSummary;
}

/**
 * Recovery fine-tuning: trains an already pruned network for a few more epochs on the split's
 * training part (the base training's loop: Adam, softmax cross-entropy, seeded shuffles, with a
 * fresh optimizer) and measures it on validation and test. The input weights are not modified.
 */
export async function fineTunePrunedNetwork(
  weights: MlpWeights,
  split: DataSplit,
  options: TrainingOptions,
  onProgress?: (progress: TrainingProgress) => void,
): Promise<RecoveredNetwork> {
  const network = buildMlpNetwork(weights);
  try {
    const training = await trainMlp(network, split, options, onProgress);
    const layers = borrowNetworkTensors(network);
    return {
      weights: readMlpWeights(network),
      validationAccuracy: evaluateAccuracy(layers, split.validation),
      testAccuracy: evaluateAccuracy(layers, split.test),
      epochs: options.epochs,
      seconds: training.seconds,
      training,
    };
  } finally {
    network.dispose();
  }
}
