import { bundleFolderName, type DeploymentOutcome, isDidNotLearnNote, variantId } from "@deadweight/core";
import { formatBytes } from "./format-bytes.js";

/**
 * What `deadweight prune` says about its deployment: the budget's answer (or the suggestion, or why
 * nothing was deployed), then every exported bundle with its real bytes, stored test accuracy and
 * what the fresh-process verifier measured, and where the model card is.
 */
export function renderDeploymentSummary(outcome: DeploymentOutcome, modelCardName: string | null): string {
  const { record, chosen, exported } = outcome;
  const lines: string[] = [];
  if (record.answer !== null) {
    lines.push(`deployment budget: ${record.answer.fits ? "fits" : "nothing fits"}`);
    lines.push(`  ${record.answer.explanation}`);
  } else if (chosen !== null) {
    lines.push(`deployment: no device budget, so the suggested row is deployed (${variantId(chosen)})`);
  }
  if (isDidNotLearnNote(record.note)) {
    // The warning above the table says why in full.
    lines.push("deployment: nothing was measured or deployed, because the base model did not learn");
  } else if (record.note !== null) {
    lines.push(`deployment: ${record.note}`);
  }
  if (exported.length > 0) {
    lines.push("bundles (each reloaded in a fresh process with plain TF.js and checked against its stored accuracy):");
    const answered = record.answer === null ? null : record.answer.fits ? record.answer.best : record.answer.closest;
    const folders = exported.map(
      ({ variant, dtype }) => `${bundleFolderName(variant.row.id, variant.version, dtype)}/`,
    );
    const sizes = exported.map(({ measured }) => formatBytes(measured.bytes));
    const folderWidth = Math.max(...folders.map((folder) => folder.length));
    const sizeWidth = Math.max(...sizes.map((size) => size.length));
    for (const [index, { variant, dtype, measured, verification }] of exported.entries()) {
      const marker = variant === chosen ? "*" : " ";
      const { correct, samples } = verification.measured;
      const isAnswer = answered?.candidateId === variantId(variant) && answered.weightDtype === dtype;
      lines.push(
        `  ${marker} ${folders[index]!.padEnd(folderWidth)}  ${sizes[index]!.padStart(sizeWidth)}` +
          `  test ${percent(measured.test.accuracy)}  verified ${correct}/${samples} correct` +
          ` (${verification.verifier.backend}, TF.js ${verification.verifier.tfjsVersion})` +
          (isAnswer ? "  <- the budget's answer" : ""),
      );
    }
    if (exported.some(({ variant }) => variant !== chosen)) lines.push("  * = the deployed candidate");
  }
  if (chosen !== null && modelCardName !== null) {
    lines.push(`model card of ${variantId(chosen)}: ${modelCardName}`);
  }
  return lines.join("\n");
}

function percent(accuracy: number): string {
  return `${(100 * accuracy).toFixed(2)}%`;
}
