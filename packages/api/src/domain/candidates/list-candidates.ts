import { objectId } from "@deadweight/protocol";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessProject } from "../../access/owned-objects.js";
import type { Store } from "../../store/store.js";
import type { CandidateView } from "./candidate-view.js";
import { tradeOffOf, tradeOffRowSelect } from "./trade-off-snapshot.js";

export const listCandidatesInput = z.object({ projectId: objectId });
export type ListCandidatesInput = z.output<typeof listCandidatesInput>;

/**
 * The aliases a project currently assigns, by alias, with their rows' numbers (viewer or higher).
 * Not paginated: a project holds a handful of aliases, not thousands.
 */
export async function listCandidates(
  store: Store,
  actor: UserActor,
  input: ListCandidatesInput,
): Promise<CandidateView[]> {
  await accessProject(store, actor, input.projectId, "viewer");
  const candidates = await store.db.candidate.findMany({
    where: { projectId: input.projectId },
    orderBy: { alias: "asc" },
    select: { id: true, alias: true, note: true, promotedAt: true, resultRow: { select: tradeOffRowSelect } },
  });
  if (candidates.length === 0) return [];

  // Who made each current assignment: the newest promotion or move of the alias.
  const assignments = await store.db.candidateEvent.findMany({
    where: {
      projectId: input.projectId,
      alias: { in: candidates.map((candidate) => candidate.alias) },
      action: { in: ["promoted", "moved"] },
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { alias: true, actor: { select: { id: true, name: true } } },
  });
  const promotedBy = new Map<string, { id: string; name: string }>();
  for (const event of assignments) if (!promotedBy.has(event.alias)) promotedBy.set(event.alias, event.actor);

  return candidates.map((candidate) => ({
    id: candidate.id,
    alias: candidate.alias,
    note: candidate.note,
    promotedAt: candidate.promotedAt,
    promotedBy: promotedBy.get(candidate.alias) ?? null,
    tradeOff: tradeOffOf(candidate.resultRow),
  }));
}
