import type { DbOrTransaction } from "../../audit/record-audit.js";

/**
 * The time stamp of a project's next candidate event: now, or 1 ms after the project's latest event
 * if that is not earlier. History is read newest first, so two changes in the same millisecond must
 * still have an order. Call it inside the transaction that writes the event.
 */
export async function nextCandidateEventTime(tx: DbOrTransaction, projectId: string): Promise<Date> {
  const now = new Date();
  const latest = await tx.candidateEvent.findFirst({
    where: { projectId },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true },
  });
  if (latest === null || latest.createdAt < now) return now;
  return new Date(latest.createdAt.getTime() + 1);
}
