import { SUGGESTION_MAX_VALIDATION_DROP } from "../sweep/suggested-row.js";
import type { SweepRow } from "../sweep/sweep-row.js";
import type { DeploymentVariant } from "./deployment-variant.js";

/** For a person: why a deployment has no chosen candidate (given the sweep's rows); null when it has one. */
export function deploymentNote(
  chosen: DeploymentVariant | null,
  rows: readonly Pick<SweepRow, "status">[],
): string | null {
  if (chosen !== null) return null;
  if (!rows.some((row) => row.status === "ok"))
    return "no threshold left a usable model, so there is nothing to deploy";
  return `no row keeps validation accuracy within ${SUGGESTION_MAX_VALIDATION_DROP} points of the base model, so none was suggested; set a device budget to choose one`;
}
