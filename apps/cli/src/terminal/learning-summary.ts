import type { BaseModelMetrics, LearningCheck } from "@deadweight/core";

/**
 * What `deadweight prune` says about the base model beside its accuracy: the majority-class rate it
 * had to beat, and, when it did not learn (or that cannot be told), a warning in words with the
 * likely causes.
 */
export function renderLearningSummary(
  learning: LearningCheck,
  base: Pick<BaseModelMetrics, "validationAccuracy" | "testAccuracy">,
): string {
  const { majorityClass } = learning;
  const answer = majorityClass.name === null ? `class ${majorityClass.index}` : `"${majorityClass.name}"`;
  const lines = [
    `base model: validation ${percent(base.validationAccuracy)}, test ${percent(base.testAccuracy)}; ` +
      `majority class ${answer} (${percent(majorityClass.trainShare)} of the training rows): validation ${percent(majorityClass.validationRate)}, test ${percent(majorityClass.testRate)}`,
  ];
  if (learning.verdict === "did-not-learn" && learning.message !== null) {
    lines.push("", `WARNING: ${learning.message.replace(/ Likely causes: .*$/, "")}`, "Likely causes:");
    for (const cause of learning.likelyCauses) lines.push(`  - ${cause}`);
    lines.push("No pruned model is suggested or deployed from it; the table shows what the sweep measured.");
  } else if (learning.verdict === "cannot-tell" && learning.message !== null) {
    lines.push(`note: ${learning.message}`);
  }
  return lines.join("\n");
}

function percent(fraction: number): string {
  return `${(100 * fraction).toFixed(2)}%`;
}
