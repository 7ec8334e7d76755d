import { artifactKindInput, objectId } from "@deadweight/protocol";
import type { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessRun } from "../../access/owned-objects.js";
import { type Page, pageInput, pageQuery, toPage } from "../../pagination/cursor-page.js";
import type { Store } from "../../store/store.js";
import { type ArtifactView, artifactSelect, toArtifactView } from "./artifact-view.js";

export const listRunArtifactsInput = pageInput.extend({
  runId: objectId,
  /** Only artifacts of this kind. */
  kind: artifactKindInput.optional(),
  /** Only artifacts attached to this result row. */
  resultRowId: objectId.optional(),
});
export type ListRunArtifactsInput = z.output<typeof listRunArtifactsInput>;

/** A run's artifacts by name (viewer or higher). */
export async function listRunArtifacts(
  store: Store,
  actor: UserActor,
  input: ListRunArtifactsInput,
): Promise<Page<ArtifactView>> {
  await accessRun(store, actor, input.runId, "viewer");
  const artifacts = await store.db.artifact.findMany({
    where: {
      runId: input.runId,
      ...(input.kind === undefined ? {} : { kind: input.kind }),
      ...(input.resultRowId === undefined ? {} : { resultRowId: input.resultRowId }),
    },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    ...pageQuery(input),
    select: artifactSelect,
  });
  const page = toPage(artifacts, input);
  return { items: page.items.map(toArtifactView), nextCursor: page.nextCursor };
}
