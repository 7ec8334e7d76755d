import { objectId } from "@deadweight/protocol";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessProject } from "../../access/owned-objects.js";
import { recordAudit } from "../../audit/record-audit.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";
import { candidateAliasInput, candidateNoteInput } from "./candidate-inputs.js";
import { type CandidateEventView, candidateEventSelect, toCandidateEventView } from "./candidate-view.js";
import { nextCandidateEventTime } from "./next-event-time.js";
import { tradeOffOf, tradeOffRowSelect } from "./trade-off-snapshot.js";

export const demoteCandidateInput = z.object({
  projectId: objectId,
  alias: candidateAliasInput,
  note: candidateNoteInput,
});
export type DemoteCandidateInput = z.output<typeof demoteCandidateInput>;

/**
 * Removes an alias from the project (member or higher). The "demoted" event keeps the numbers of
 * the row the alias pointed at, and the note.
 */
export async function demoteCandidate(
  store: Store,
  actor: UserActor,
  input: DemoteCandidateInput,
): Promise<CandidateEventView> {
  const project = await accessProject(store, actor, input.projectId, "member");
  return store.transaction(async (tx) => {
    const candidate = await tx.candidate.findUnique({
      where: { projectId_alias: { projectId: input.projectId, alias: input.alias } },
      select: { id: true, resultRowId: true, resultRow: { select: tradeOffRowSelect } },
    });
    if (candidate === null) {
      throw new AppError(
        "NOT_FOUND",
        `alias: project ${input.projectId} has no candidate "${input.alias}"; list the candidates to see the aliases in use`,
        "alias",
      );
    }
    const at = await nextCandidateEventTime(tx, input.projectId);
    await tx.candidate.delete({ where: { id: candidate.id } });
    const event = await tx.candidateEvent.create({
      data: {
        projectId: input.projectId,
        alias: input.alias,
        action: "demoted",
        resultRowId: null,
        previousResultRowId: candidate.resultRowId,
        note: input.note,
        snapshot: JSON.stringify(tradeOffOf(candidate.resultRow)),
        actorId: actor.userId,
        createdAt: at,
      },
      select: candidateEventSelect,
    });
    await recordAudit(tx, actor, {
      teamId: project.teamId,
      action: "candidate.demote",
      targetType: "candidate",
      targetId: candidate.id,
      details: {
        projectId: input.projectId,
        alias: input.alias,
        previousResultRowId: candidate.resultRowId,
        note: input.note,
      },
    });
    return toCandidateEventView(event);
  });
}
