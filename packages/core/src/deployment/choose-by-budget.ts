import type { BudgetAnswer, BudgetCandidate, DeploymentBudget } from "../budget/deployment-budget.js";
import { selectForBudget } from "../budget/select-for-budget.js";
import { DeadweightError } from "../errors.js";
import type { BaseModelMetrics } from "../sweep/sweep-row.js";
import { type DeploymentVariant, variantId } from "./deployment-variant.js";

/**
 * The budget's answer over measured variants (selectForBudget), chosen on validation accuracy: the
 * test set is only reported. A variant whose row has no latency meets no latency limit, a bundle
 * without a validation accuracy no accuracy limit. Null without a budget or without variants.
 */
export function chooseByBudget(
  variants: readonly DeploymentVariant[],
  base: Pick<BaseModelMetrics, "validationAccuracy">,
  budget: DeploymentBudget | null | undefined,
): BudgetAnswer | null {
  if (budget == null || variants.length === 0) return null;
  return selectForBudget(
    variants.map((variant) => budgetCandidateOf(variant, base)),
    budget,
  );
}

/** The variant a budget answer names: its best option when something fits, else the closest. */
export function answeredVariant(variants: readonly DeploymentVariant[], answer: BudgetAnswer): DeploymentVariant {
  const option = answer.fits ? answer.best : answer.closest;
  const variant = variants.find((entry) => variantId(entry) === option.candidateId);
  // chooseByBudget names variants by variantId, so an answer over these variants always names one.
  if (variant === undefined) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `the budget answer names "${option.candidateId}", which is none of the variants`,
    );
  }
  return variant;
}

/** A variant as the budget sees it: its bundles' real bytes and validation drops, and its row's latency. */
export function budgetCandidateOf(
  variant: DeploymentVariant,
  base: Pick<BaseModelMetrics, "validationAccuracy">,
): BudgetCandidate {
  return {
    id: variantId(variant),
    latencyMsPerSample: variant.row.latencyMsPerSample ?? null,
    bundles: [...variant.measured].map(([dtype, measured]) => ({
      weightDtype: dtype,
      bytes: measured.bytes,
      accuracyDropPoints:
        measured.validation == null ? null : (base.validationAccuracy - measured.validation.accuracy) * 100,
    })),
  };
}
