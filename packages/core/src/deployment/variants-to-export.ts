import type { DeploymentSettings } from "./deployment-settings.js";
import type { DeploymentVariant } from "./deployment-variant.js";

/** The variants whose bundles are written and verified: every measured one ("pareto"), or only the chosen one. */
export function variantsToExport(
  variants: readonly DeploymentVariant[],
  chosen: DeploymentVariant | null,
  bundles: DeploymentSettings["bundles"],
): DeploymentVariant[] {
  if (bundles === "pareto") return [...variants];
  return chosen === null ? [] : [chosen];
}
