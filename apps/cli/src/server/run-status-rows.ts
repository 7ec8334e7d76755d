import type { RunAttemptRow, RunStatusRow } from "../terminal/runs-table.js";
import type { UserApi } from "./user-api.js";

/** At most this many requests at once, so a 100-run table does not flood the server. */
const PARALLEL_REQUESTS = 8;

export interface RunStatus extends RunStatusRow {
  readonly experimentId: string;
  readonly attempts: readonly RunAttemptRow[];
}

/** Everything `deadweight status` shows of these runs (run.get each, and their experiments' names). */
export async function loadRunStatuses(api: UserApi, runIds: readonly string[]): Promise<RunStatus[]> {
  const runs = await inBatches(runIds, (runId) => api.call(`reading run ${runId}`, (c) => c.run.get.query({ runId })));
  const experimentIds = [...new Set(runs.map((run) => run.experimentId))];
  const experiments = await inBatches(experimentIds, (experimentId) =>
    api.call(`reading experiment ${experimentId}`, (c) => c.experiment.get.query({ experimentId })),
  );
  const names = new Map(experiments.map((experiment) => [experiment.id, experiment.name]));
  return runs.map((run) => ({
    ...run,
    experimentName: names.get(run.experimentId) ?? run.experimentId,
  }));
}

async function inBatches<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let from = 0; from < items.length; from += PARALLEL_REQUESTS) {
    results.push(...(await Promise.all(items.slice(from, from + PARALLEL_REQUESTS).map(work))));
  }
  return results;
}
