import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessRun } from "../../access/owned-objects.js";
import { recordAudit } from "../../audit/record-audit.js";
import { AppError } from "../../errors/app-error.js";
import { objectId } from "@deadweight/protocol";
import { type RunSummary, runSummarySelect, toRunSummary } from "./run-view.js";
import type { Store } from "../../store/store.js";
import { discardRunCheckpoints } from "../artifacts/discard-run-checkpoints.js";
import { releaseUnreferencedContent } from "../artifacts/release-unreferenced-content.js";

export const cancelRunInput = z.object({ runId: objectId });
export type CancelRunInput = z.output<typeof cancelRunInput>;

/**
 * Cancels a queued or running run (member or higher). Everything already stored (progress,
 * results, statistics, artifacts) stays, training checkpoints excepted; a worker holding the run sees the status on its next report.
 */
export async function cancelRun(store: Store, actor: UserActor, input: CancelRunInput): Promise<RunSummary> {
  const { teamId, projectId } = await accessRun(store, actor, input.runId, "member");
  let discarded: string[] = [];
  const summary = await store.transaction(async (tx) => {
    // Conditional on the status so a worker finishing the run at the same moment wins cleanly.
    const canceled = await tx.run.updateMany({
      where: { id: input.runId, status: { in: ["queued", "running"] } },
      data: { status: "canceled", finishedAt: new Date() },
    });
    const run = await tx.run.findUniqueOrThrow({ where: { id: input.runId }, select: runSummarySelect });
    if (canceled.count === 0) {
      throw new AppError(
        "CONFLICT",
        `run ${input.runId} already finished (${run.status})${
          run.finishedAt === null ? "" : ` at ${run.finishedAt.toISOString()}`
        }; only a queued or running run can be canceled`,
        "runId",
      );
    }
    discarded = await discardRunCheckpoints(tx, input.runId);
    await recordAudit(tx, actor, {
      teamId,
      action: "run.cancel",
      targetType: "run",
      targetId: input.runId,
      details: { experimentId: run.experimentId, stage: run.stage, attempt: run.attempt },
    });
    return toRunSummary(run);
  });
  await releaseUnreferencedContent(store, discarded);
  store.changes.publish({ kind: "run-updated", runId: input.runId, projectId });
  return summary;
}
