import { objectId } from "@deadweight/protocol";
import type { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessProject } from "../../access/owned-objects.js";
import { type Page, pageInput, pageQuery, toPage } from "../../pagination/cursor-page.js";
import type { Store } from "../../store/store.js";
import { candidateAliasInput } from "./candidate-inputs.js";
import { type CandidateEventView, candidateEventSelect, toCandidateEventView } from "./candidate-view.js";

export const listCandidateHistoryInput = pageInput.extend({
  projectId: objectId,
  /** Only this alias's events. */
  alias: candidateAliasInput.optional(),
});
export type ListCandidateHistoryInput = z.output<typeof listCandidateHistoryInput>;

/**
 * Every promotion, move and demotion in the project, newest first: who, when, why (the note) and
 * the numbers at that moment (viewer or higher).
 */
export async function listCandidateHistory(
  store: Store,
  actor: UserActor,
  input: ListCandidateHistoryInput,
): Promise<Page<CandidateEventView>> {
  await accessProject(store, actor, input.projectId, "viewer");
  const events = await store.db.candidateEvent.findMany({
    where: { projectId: input.projectId, ...(input.alias === undefined ? {} : { alias: input.alias }) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    ...pageQuery(input),
    select: candidateEventSelect,
  });
  const page = toPage(events, input);
  return { items: page.items.map(toCandidateEventView), nextCursor: page.nextCursor };
}
