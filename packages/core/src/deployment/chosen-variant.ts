import type { BudgetAnswer } from "../budget/deployment-budget.js";
import type { SweepRow } from "../sweep/sweep-row.js";
import { answeredVariant } from "./choose-by-budget.js";
import type { DeploymentVariant } from "./deployment-variant.js";

/**
 * The variant a deployment exports and describes in its model card: the budget's answer (best, or
 * closest when nothing fits); without one, the suggested row's recovered variant, else its one-shot
 * one; null when there is neither an answer nor a measured suggestion.
 */
export function chosenVariant(
  variants: readonly DeploymentVariant[],
  answer: BudgetAnswer | null,
  suggested: SweepRow | null,
): DeploymentVariant | null {
  if (answer !== null) return answeredVariant(variants, answer);
  if (suggested === null) return null;
  const ofSuggested = (version: DeploymentVariant["version"]) =>
    variants.find((variant) => variant.row.id === suggested.id && variant.version === version);
  return ofSuggested("recovered") ?? ofSuggested("one-shot") ?? null;
}
