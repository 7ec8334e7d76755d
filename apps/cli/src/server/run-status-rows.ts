import type { RunAttemptRow, RunStatusRow } from "../terminal/runs-table.js";
import type { UserApi } from "./user-api.js";

/** At most this many requests at once, so a 100-run table does not flood the server. */
const PARALLEL_REQUESTS = 8;

export interface RunStatus extends RunStatusRow {
  readonly experimentId: string;
  readonly attempts: readonly RunAttemptRow[];
}

/**
 * Everything `deadweight status` shows of these runs (run.get each, and their experiments' names).
 * `experimentNames` (optional) holds names already read: only the others are read, and added to it.
 */
export async function loadRunStatuses(
  api: UserApi,
  runIds: readonly string[],
  experimentNames: Map<string, string> = new Map(),
): Promise<RunStatus[]> {
  const runs = await inBatches(runIds, (runId) => api.call(`reading run ${runId}`, (c) => c.run.get.query({ runId })));
  const unnamed = [...new Set(runs.map((run) => run.experimentId))].filter((id) => !experimentNames.has(id));
  const experiments = await inBatches(unnamed, (experimentId) =>
    api.call(`reading experiment ${experimentId}`, (c) => c.experiment.get.query({ experimentId })),
  );
  for (const experiment of experiments) experimentNames.set(experiment.id, experiment.name);
  return runs.map((run) => ({
    ...run,
    experimentName: experimentNames.get(run.experimentId) ?? run.experimentId,
  }));
}

async function inBatches<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let from = 0; from < items.length; from += PARALLEL_REQUESTS) {
    results.push(...(await Promise.all(items.slice(from, from + PARALLEL_REQUESTS).map(work))));
  }
  return results;
}
