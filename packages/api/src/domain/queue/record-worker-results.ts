import type { Db } from "@deadweight/db";
import type { z } from "zod";
import type { WorkerActor } from "../../access/actor.js";
import { accessRunAsWorker } from "../../access/owned-objects.js";
import { type RecordedRunResults, storeRunResults } from "../results/record-run-results.js";
import { runResultsInput } from "../results/run-results-input.js";
import { claimReportInput } from "./claim-report-input.js";
import { requireHeldRun } from "./held-run.js";

export const recordWorkerResultsInput = claimReportInput.extend({ results: runResultsInput });
export type RecordWorkerResultsInput = z.output<typeof recordWorkerResultsInput>;

/**
 * Stores what a held run produced (see recordRunResults: idempotent, a retried report never
 * duplicates a row), in the same transaction that checks the worker still holds the run.
 */
export async function recordWorkerResults(
  db: Db,
  worker: WorkerActor,
  input: RecordWorkerResultsInput,
): Promise<RecordedRunResults> {
  await accessRunAsWorker(db, worker, input.runId);
  return db.$transaction(async (tx) => {
    await requireHeldRun(tx, input.runId, input.attempt);
    return storeRunResults(tx, input.runId, input.results);
  });
}
