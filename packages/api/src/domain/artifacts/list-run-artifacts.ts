import type { Db } from "@deadweight/db";
import type { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessRun } from "../../access/owned-objects.js";
import { objectId } from "../../inputs/object-id.js";
import { type Page, pageInput, pageQuery, toPage } from "../../pagination/cursor-page.js";
import { artifactKindInput } from "./artifact-inputs.js";
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
  db: Db,
  actor: UserActor,
  input: ListRunArtifactsInput,
): Promise<Page<ArtifactView>> {
  await accessRun(db, actor, input.runId, "viewer");
  const artifacts = await db.artifact.findMany({
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
