import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type DeploymentOutcome, modelCardFileName } from "@deadweight/core";

/**
 * Writes the chosen candidate's model card beside its bundles (deployCandidates wrote and verified
 * those under `folder`), under the name a worker stores it as an artifact. Returns that name
 * relative to `folder`, or null when nothing was chosen.
 */
export function writeModelCard(folder: string, outcome: DeploymentOutcome): string | null {
  const { chosen, record } = outcome;
  if (chosen === null || record.modelCard === null) return null;
  const name = modelCardFileName(chosen.row.id, chosen.version);
  mkdirSync(dirname(join(folder, name)), { recursive: true });
  writeFileSync(join(folder, name), `${JSON.stringify(record.modelCard, null, 2)}\n`);
  return name;
}
