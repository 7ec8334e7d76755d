import type { DeploymentBudget } from "../budget/deployment-budget.js";
import type { WeightDtype } from "../bundle/weight-dtype.js";

/** Which weights a candidate holds: straight after surgery, or after recovery fine-tuning. */
export type WeightVersion = "one-shot" | "recovered";

/** How a run turns its sweep into deployable bundles (an experiment configuration's `deployment` section). */
export interface DeploymentSettings {
  /** The target device; absent: no budget, so the suggested row is deployed. */
  readonly budget?: DeploymentBudget | undefined;
  /** Storage dtypes every candidate is measured in. */
  readonly dtypes: readonly WeightDtype[];
  /** Epochs of recovery fine-tuning (0: none). */
  readonly recoveryEpochs: number;
  /** Which rows are fine-tuned: the budget's answer (else the suggested row), or every measured row. */
  readonly recover: "answer" | "pareto";
  /** Which candidates are exported as verified bundles: the chosen one, or every measured one. */
  readonly bundles: "answer" | "pareto";
}
