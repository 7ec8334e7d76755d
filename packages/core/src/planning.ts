// What runs without TensorFlow.js (in a browser, say): which neurons a threshold removes, from the
// statistics alone. The dashboard draws exactly the core's decision with it.
export type { DeadweightErrorCode } from "./errors.js";
export { planPruning } from "./pruning/plan-pruning.js";
export type { LayerPlan, PruningPlan } from "./pruning/pruning-plan.js";
export { type PruningThreshold, thresholdId } from "./pruning/pruning-threshold.js";
export type { ActivationStats, LayerActivationStats, NeuronStats } from "./stats/activation-stats.js";
