import { objectId } from "@deadweight/protocol";
import { z } from "zod";
import type { SignedInActor } from "../../access/actor.js";
import { accessArtifact, accessArtifactAsWorker } from "../../access/owned-objects.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";
import { type ArtifactView, artifactSelect, toArtifactView } from "./artifact-view.js";

export const getArtifactInput = z.object({ artifactId: objectId });
export type GetArtifactInput = z.output<typeof getArtifactInput>;

/**
 * One artifact's metadata (viewer or higher, or a worker token of the run's team); another team's
 * artifact is NOT_FOUND.
 */
export async function getArtifact(store: Store, actor: SignedInActor, input: GetArtifactInput): Promise<ArtifactView> {
  if (actor.kind === "worker") await accessArtifactAsWorker(store, actor, input.artifactId);
  else await accessArtifact(store, actor, input.artifactId, "viewer");
  const artifact = await store.db.artifact.findUnique({ where: { id: input.artifactId }, select: artifactSelect });
  // Gone since its owner was looked up: a replaced or discarded checkpoint.
  if (artifact === null) throw AppError.notFound("artifact", input.artifactId);
  return toArtifactView(artifact);
}
