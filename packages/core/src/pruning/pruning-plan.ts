import type { PruningThreshold } from "./pruning-threshold.js";

/** The decision for one hidden layer: which neurons stay, and constants to fold for those that go. */
export interface LayerPlan {
  readonly layerIndex: number;
  readonly originalSize: number;
  /** Ascending indices of the neurons that stay. */
  readonly kept: number[];
  /**
   * When present, the constant each removed neuron is replaced by (its mean activation), to be
   * folded into the next layer's bias. Indexed by original neuron index; only removed ones are read.
   */
  readonly foldedValues?: Float64Array;
}

/** Data only, before any surgery: per hidden layer, the neurons that stay. */
export interface PruningPlan {
  readonly threshold: PruningThreshold;
  readonly layers: LayerPlan[];
  /** Hidden layers the threshold would empty (no neuron kept); a plan with any cannot be applied. */
  readonly emptiedLayers: number[];
}
