import type { Readable } from "node:stream";
import type { SignedInActor } from "../../access/actor.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";
import type { ArtifactView } from "./artifact-view.js";
import { type GetArtifactInput, getArtifact } from "./get-artifact.js";

export interface ArtifactDownload {
  readonly artifact: ArtifactView;
  /** The artifact's bytes, verified against its sha256 before the first byte. */
  readonly stream: Readable;
}

/**
 * An artifact's metadata and bytes (viewer or higher, or a worker token of the run's team). Bytes missing from the store or no longer
 * matching the recorded sha256 fail with an INTERNAL error naming the artifact, before any byte is sent.
 */
export async function openArtifactDownload(
  store: Store,
  actor: SignedInActor,
  input: GetArtifactInput,
): Promise<ArtifactDownload> {
  const artifact = await getArtifact(store, actor, input);
  try {
    const opened = await store.artifacts.open(artifact.sha256, { expectedSizeBytes: artifact.sizeBytes });
    return { artifact, stream: opened.stream };
  } catch (error) {
    if (error instanceof AppError) {
      throw new AppError(
        error.code,
        `artifact ${artifact.id} ("${artifact.name}" of run ${artifact.runId}): ${error.message}`,
      );
    }
    throw error;
  }
}
