import { CHECKPOINT_ARTIFACT_KIND } from "@deadweight/protocol";
import type { DbOrTransaction } from "../../audit/record-audit.js";

/**
 * Removes the records of a run's training checkpoints once the run has ended (succeeded, failed for
 * good, canceled): nothing resumes it any more, so they are neither listed nor downloadable. Returns
 * the sha256 of their content, for releaseUnreferencedContent once the transaction is committed.
 */
export async function discardRunCheckpoints(tx: DbOrTransaction, runId: string): Promise<string[]> {
  const where = { runId, kind: CHECKPOINT_ARTIFACT_KIND };
  const checkpoints = await tx.artifact.findMany({ where, select: { sha256: true } });
  if (checkpoints.length === 0) return [];
  await tx.artifact.deleteMany({ where });
  return checkpoints.map((checkpoint) => checkpoint.sha256);
}
