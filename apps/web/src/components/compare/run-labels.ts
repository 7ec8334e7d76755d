import type { RunComparison } from "@/lib/router-outputs";

/**
 * A short, unique name per run for legends and column headers: the experiment's name, with the seed
 * when one experiment contributes several runs, and the run id's tail if that is still ambiguous.
 */
export function runLabelsOf(runs: RunComparison["runs"]): Map<string, string> {
  const perExperiment = new Map<string, number>();
  for (const run of runs) perExperiment.set(run.experimentId, (perExperiment.get(run.experimentId) ?? 0) + 1);
  const labels = new Map<string, string>();
  const seen = new Map<string, number>();
  for (const run of runs) {
    let label = run.experimentName;
    if ((perExperiment.get(run.experimentId) ?? 0) > 1) label += ` · seed ${run.seed ?? "?"}`;
    const count = (seen.get(label) ?? 0) + 1;
    seen.set(label, count);
    labels.set(run.runId, count > 1 ? `${label} · ${run.runId.slice(-6)}` : label);
  }
  return labels;
}
