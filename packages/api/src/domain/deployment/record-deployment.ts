import type { RecordDeploymentInput } from "@deadweight/protocol";
import type { WorkerActor } from "../../access/actor.js";
import { accessRunAsWorker } from "../../access/owned-objects.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";
import { requireHeldRun } from "../queue/held-run.js";

export interface RecordedDeployment {
  readonly rowsUpdated: number;
}

/**
 * Stores the deploy stage's outcome of a held run: each row's recovery and measured bundles, and
 * the run's budget answer and model card. Idempotent: a retried report overwrites with the same
 * values. Rows must already be recorded (the sweep's results come first); an unknown key is refused
 * and nothing is written.
 */
export async function recordDeployment(
  store: Store,
  worker: WorkerActor,
  input: RecordDeploymentInput,
): Promise<RecordedDeployment> {
  await accessRunAsWorker(store, worker, input.runId);
  const keys = input.rows.map((row) => row.rowKey);
  if (new Set(keys).size !== keys.length) {
    throw new AppError("BAD_REQUEST", "rows: each rowKey may appear only once", "rows");
  }
  const recorded = await store.transaction(async (tx) => {
    await requireHeldRun(tx, input.runId, input.attempt);
    const stored = await tx.resultRow.findMany({
      where: { runId: input.runId, rowKey: { in: keys } },
      select: { id: true, rowKey: true },
    });
    const idOfKey = new Map(stored.map((row) => [row.rowKey, row.id]));
    const unknown = keys.filter((key) => !idOfKey.has(key));
    if (unknown.length > 0) {
      throw new AppError(
        "BAD_REQUEST",
        `rows: run ${input.runId} has no result row ${unknown.map((key) => `"${key}"`).join(", ")}; record the sweep's results first`,
        "rows",
      );
    }
    if (input.deployment.chosen !== null && !idOfKey.has(input.deployment.chosen.rowKey)) {
      throw new AppError(
        "BAD_REQUEST",
        `deployment.chosen.rowKey: "${input.deployment.chosen.rowKey}" is not among the reported rows`,
        "deployment.chosen.rowKey",
      );
    }
    for (const row of input.rows) {
      await tx.resultRow.update({
        where: { id: idOfKey.get(row.rowKey)! },
        data: {
          recovery: row.recovery === null ? null : JSON.stringify(row.recovery),
          bundles: row.bundles.length === 0 ? null : JSON.stringify(row.bundles),
        },
        select: { id: true },
      });
    }
    await tx.run.update({
      where: { id: input.runId },
      data: { deployment: JSON.stringify(input.deployment) },
      select: { id: true },
    });
    return { rowsUpdated: input.rows.length };
  });
  store.changes.publish({ kind: "run-results", runId: input.runId });
  return recorded;
}
