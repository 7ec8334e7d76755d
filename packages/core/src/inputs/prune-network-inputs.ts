import type { DataSplit } from "../data/data-split.js";
import { type MlpWeights, parameterCount } from "../model/mlp-weights.js";
import { applyInputPruning } from "./apply-input-pruning.js";
import { type InputContract, inputContractOf } from "./input-contract.js";
import { measureInputFeatures } from "./input-feature-stats.js";
import { type InputPruningPlan, planInputPruning } from "./input-pruning-plan.js";
import { pruneSplitInputs } from "./prune-split-inputs.js";

/** A trained network and its split after input pruning, with the decision that produced them. */
export interface PrunedInputs {
  readonly weights: MlpWeights;
  readonly split: DataSplit;
  readonly plan: InputPruningPlan;
  readonly contract: InputContract;
}

/** What results record about input pruning (plain JSON). */
export interface InputPruningRecord {
  readonly stdThreshold: number;
  readonly originalWidth: number;
  readonly keptCount: number;
  readonly keptFeatures: number[];
}

/**
 * Input pruning after training: measures every input feature on the split's validation part (as the
 * network sees it, i.e. scaled when the split is), removes those with std <= `stdThreshold` (their
 * mean folded into the first layer's bias) and narrows the split to the kept features, so every
 * later stage (statistics, sweep, deployment) works on the smaller network unchanged.
 */
export function pruneNetworkInputs(weights: MlpWeights, split: DataSplit, stdThreshold: number): PrunedInputs {
  const plan = planInputPruning(measureInputFeatures(split.validation), stdThreshold);
  const contract = inputContractOf(plan, split.train.featureNames);
  return { weights: applyInputPruning(weights, plan), split: pruneSplitInputs(split, contract), plan, contract };
}

/** The record of an input pruning for results.json. */
export function inputPruningRecord(pruned: Pick<PrunedInputs, "plan">): InputPruningRecord {
  return {
    stdThreshold: pruned.plan.stdThreshold,
    originalWidth: pruned.plan.originalWidth,
    keptCount: pruned.plan.kept.length,
    keptFeatures: [...pruned.plan.kept],
  };
}

/** What a run's results record about input pruning: the record and the trained network's parameter count before it. */
export type RecordedInputPruning = InputPruningRecord & { readonly parametersBeforeInputPruning: number };

/** The record of an input pruning with the parameter count of `trained`, the network it was applied to. */
export function recordedInputPruning(pruned: Pick<PrunedInputs, "plan">, trained: MlpWeights): RecordedInputPruning {
  return { ...inputPruningRecord(pruned), parametersBeforeInputPruning: parameterCount(trained) };
}
