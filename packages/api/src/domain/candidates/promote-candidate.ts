import { Prisma } from "@deadweight/db";
import { objectId } from "@deadweight/protocol";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessProject, accessResultRow } from "../../access/owned-objects.js";
import { recordAudit } from "../../audit/record-audit.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";
import { candidateAliasInput, candidateNoteInput } from "./candidate-inputs.js";
import {
  type CandidateEventView,
  type CandidateView,
  candidateEventSelect,
  toCandidateEventView,
} from "./candidate-view.js";
import { nextCandidateEventTime } from "./next-event-time.js";
import { tradeOffOf, tradeOffRowSelect } from "./trade-off-snapshot.js";

export const promoteCandidateInput = z.object({
  projectId: objectId,
  alias: candidateAliasInput,
  resultRowId: objectId,
  note: candidateNoteInput,
});
export type PromoteCandidateInput = z.output<typeof promoteCandidateInput>;

export interface CandidateChange {
  readonly candidate: CandidateView;
  readonly event: CandidateEventView;
}

/**
 * Gives `alias` to a result row of the project (member or higher). A new alias is "promoted"; an
 * alias that already points at another row is "moved", and the history keeps the row it pointed at.
 * Either way the event stores the row's trade-off numbers and the note.
 */
export async function promoteCandidate(
  store: Store,
  actor: UserActor,
  input: PromoteCandidateInput,
): Promise<CandidateChange> {
  const project = await accessProject(store, actor, input.projectId, "member");
  // Another team's row is NOT_FOUND, exactly like a missing one.
  const row = await accessResultRow(store, actor, input.resultRowId, "viewer");
  if (row.projectId !== project.projectId) {
    throw new AppError(
      "BAD_REQUEST",
      `resultRowId: result row ${input.resultRowId} belongs to another project; promote rows of project ${input.projectId} only`,
      "resultRowId",
    );
  }

  try {
    return await store.transaction(async (tx) => {
      const promoted = await tx.resultRow.findUniqueOrThrow({
        where: { id: input.resultRowId },
        select: tradeOffRowSelect,
      });
      if (promoted.status !== "ok") {
        throw new AppError(
          "BAD_REQUEST",
          `resultRowId: result row ${input.resultRowId} has status "${promoted.status}": it has no model to deploy`,
          "resultRowId",
        );
      }
      const existing = await tx.candidate.findUnique({
        where: { projectId_alias: { projectId: input.projectId, alias: input.alias } },
        select: { id: true, resultRowId: true },
      });
      if (existing?.resultRowId === input.resultRowId) {
        throw new AppError(
          "CONFLICT",
          `alias: "${input.alias}" already points at result row ${input.resultRowId}; nothing to change`,
          "alias",
        );
      }

      const at = await nextCandidateEventTime(tx, input.projectId);
      const snapshot = tradeOffOf(promoted);
      const candidateData = { resultRowId: input.resultRowId, note: input.note, promotedAt: at };
      const candidate =
        existing === null
          ? await tx.candidate.create({
              data: { projectId: input.projectId, alias: input.alias, ...candidateData },
              select: { id: true, alias: true, note: true, promotedAt: true },
            })
          : await tx.candidate.update({
              where: { id: existing.id },
              data: candidateData,
              select: { id: true, alias: true, note: true, promotedAt: true },
            });
      const action = existing === null ? "promoted" : "moved";
      const event = await tx.candidateEvent.create({
        data: {
          projectId: input.projectId,
          alias: input.alias,
          action,
          resultRowId: input.resultRowId,
          previousResultRowId: existing?.resultRowId ?? null,
          note: input.note,
          snapshot: JSON.stringify(snapshot),
          actorId: actor.userId,
          createdAt: at,
        },
        select: candidateEventSelect,
      });
      await recordAudit(tx, actor, {
        teamId: project.teamId,
        action: existing === null ? "candidate.promote" : "candidate.move",
        targetType: "candidate",
        targetId: candidate.id,
        details: {
          projectId: input.projectId,
          alias: input.alias,
          resultRowId: input.resultRowId,
          previousResultRowId: existing?.resultRowId ?? null,
          note: input.note,
        },
      });
      return {
        candidate: { ...candidate, promotedBy: event.actor, tradeOff: snapshot },
        event: toCandidateEventView(event),
      };
    });
  } catch (error) {
    // Two people promoting a new alias at once: the unique index lets one win.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new AppError(
        "CONFLICT",
        `alias: "${input.alias}" was just promoted by someone else; look at the project's candidates and try again`,
        "alias",
      );
    }
    throw error;
  }
}
