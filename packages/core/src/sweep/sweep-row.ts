import type { RecordedInputPruning } from "../inputs/prune-network-inputs.js";
import type { PruningThreshold } from "../pruning/pruning-threshold.js";

/** Accuracy, size and speed of the unpruned network: what every row is compared against. */
export interface BaseModelMetrics {
  readonly hiddenSizes: number[];
  readonly parameters: number;
  readonly bytes: number;
  readonly validationAccuracy: number;
  readonly testAccuracy: number;
  readonly latencyMsPerSample: number;
  /**
   * Present when the trained network's near-constant inputs were pruned before the statistics: which
   * inputs this network (and every row's) reads, and the trained network's parameters before.
   */
  readonly inputPruning?: RecordedInputPruning;
}

/** One threshold of a sweep, measured. Accuracies are fractions in [0, 1]; drops and reductions are percentage points. */
export interface SweepRow {
  /** Stable id, also the folder name of an exported model ("mean0.1-std0.4"). */
  readonly id: string;
  readonly threshold: PruningThreshold;
  /** "ok", or "emptied-layer" when the threshold removes every neuron of a hidden layer (no model exists). */
  readonly status: "ok" | "emptied-layer";
  /** Human-readable reason for a status other than "ok". */
  readonly note?: string;
  readonly keptNeurons: number[];
  readonly keptNeuronTotal: number;
  readonly parameters: number;
  readonly bytes: number;
  readonly validationAccuracy: number | null;
  readonly testAccuracy: number | null;
  /** Base minus pruned accuracy, in points; positive means the pruned model is worse. */
  readonly validationAccuracyDrop: number | null;
  readonly testAccuracyDrop: number | null;
  /** Parameters removed, in percent of the base model's parameters. */
  readonly parameterReductionPercent: number;
  /** Hidden neurons removed, in percent of the base model's hidden neurons. */
  readonly neuronReductionPercent: number;
  readonly latencyMsPerSample: number | null;
  /** On the validation-accuracy vs parameters Pareto frontier of the sweep's "ok" rows. */
  readonly pareto: boolean;
}
