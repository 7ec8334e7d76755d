import type { RunDetails } from "@/lib/router-outputs";

/** The run page's queries besides the run itself, by their TanStack Query key's first part. */
export type RunPageView = "result.rows" | "result.layerStats" | "artifact.list";

type RunFacts = Pick<RunDetails, "status" | "resultRowCount" | "completedStages" | "deployment">;

/**
 * Which of the run page's other views a pushed run update makes out of date, so the page refetches
 * only those, and only when what they show changed: the sweep's rows when rows were stored or the
 * deploy stage marked some, the neuron statistics when a stage finished, the artifacts when a stage
 * finished or the deployment changed; all of them when the status changed (a finished run's last
 * writes). Progress reports (epochs, batches, loss) change none of them.
 */
export function staleRunViews(previous: RunFacts, next: RunFacts): RunPageView[] {
  const statusChanged = previous.status !== next.status;
  const stagesChanged = previous.completedStages.join(",") !== next.completedStages.join(",");
  const deploymentChanged = JSON.stringify(previous.deployment) !== JSON.stringify(next.deployment);
  const stale: RunPageView[] = [];
  if (statusChanged || deploymentChanged || previous.resultRowCount !== next.resultRowCount) stale.push("result.rows");
  if (statusChanged || stagesChanged) stale.push("result.layerStats");
  if (statusChanged || stagesChanged || deploymentChanged) stale.push("artifact.list");
  return stale;
}
