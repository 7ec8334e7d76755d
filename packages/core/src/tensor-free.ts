// The parts of the core that need no TensorFlow.js (a browser, an API server): which neurons a
// threshold removes, which bundle fits a device budget, and the model card's shape. The dashboard
// draws the core's own decisions with them; the API answers budget queries with them; the experiment
// configuration's defaults (and so the dashboard's New-experiment form) take the default sweep from here.
export type {
  BindingConstraint,
  BudgetAnswer,
  BudgetCandidate,
  BudgetConstraint,
  BudgetOption,
  DeploymentBudget,
  Shortfall,
} from "./budget/deployment-budget.js";
export { selectForBudget } from "./budget/select-for-budget.js";
export { WEIGHT_DTYPES, type WeightDtype } from "./bundle/weight-dtype.js";
export type { ModelCard } from "./candidate/model-card.js";
export { FEATURE_SCALING_METHODS, type FeatureScalingMethod } from "./data/feature-scaling.js";
export type { FeatureScalingRecord } from "./data/scale-data-split.js";
export type { DeadweightErrorCode } from "./errors.js";
export { DID_NOT_LEARN, isDidNotLearnNote, type LearningCheck } from "./learning/learning-check.js";
export { planPruning } from "./pruning/plan-pruning.js";
export type { LayerPlan, PruningPlan } from "./pruning/pruning-plan.js";
export { type PruningThreshold, thresholdId } from "./pruning/pruning-threshold.js";
export type { PruneScheduleSettings, RoundThresholds, ScheduleStopReason } from "./schedule/prune-schedule.js";
export { isScheduleRoundRow, roundRowId, scheduleRoundRows } from "./schedule/schedule-round-rows.js";
export {
  type SeedRow,
  type SeedRun,
  type SeedSpreadRow,
  type Spread,
  seedSpread,
  type WorstSeed,
} from "./seeds/seed-spread.js";
export { smallestRowWithinWorstSeedDrop, withinWorstSeedDrop } from "./seeds/worst-seed-limit.js";
export type { ActivationStats, LayerActivationStats, NeuronStats } from "./stats/activation-stats.js";
export { MAX_RESULT_ROWS } from "./sweep/result-row-limit.js";
export {
  type RowWithinDrop,
  SIZE_AXES,
  type SizeAxis,
  smallestRowWithinDrop,
  type ValidationNoiseMargin,
  validationDropStandardError,
  type WithinDropOptions,
  type WithinDropRow,
} from "./sweep/smallest-row-within-drop.js";
export { SUGGESTION_MAX_VALIDATION_DROP, suggestedRow } from "./sweep/suggested-row.js";
export { DEFAULT_THRESHOLD_GRID, expandThresholdGrid, type ThresholdGrid } from "./sweep/threshold-grid.js";
