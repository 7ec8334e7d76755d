import type { RecordWorkerResultsInput } from "@deadweight/protocol";
import type { WorkerActor } from "../../access/actor.js";
import { accessRunAsWorker } from "../../access/owned-objects.js";
import type { Store } from "../../store/store.js";
import { type RecordedRunResults, storeRunResults } from "../results/record-run-results.js";
import { requireHeldRun } from "./held-run.js";

/**
 * Stores what a held run produced (see recordRunResults: idempotent, a retried report never
 * duplicates a row), in the same transaction that checks the worker still holds the run.
 */
export async function recordWorkerResults(
  store: Store,
  worker: WorkerActor,
  input: RecordWorkerResultsInput,
): Promise<RecordedRunResults> {
  await accessRunAsWorker(store, worker, input.runId);
  const recorded = await store.transaction(async (tx) => {
    await requireHeldRun(tx, input.runId, input.attempt);
    return storeRunResults(tx, input.runId, input.results);
  });
  store.changes.publish({ kind: "run-results", runId: input.runId });
  return recorded;
}
