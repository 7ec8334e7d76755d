import {
  CHECKPOINT_ARTIFACT_KIND,
  type RunAttemptRef,
  type StoredArtifact,
  TRAINING_CHECKPOINT_NAME,
} from "@deadweight/protocol";
import type { UploadedArtifact, WorkerApi } from "../api/worker-api.js";

/**
 * Stores a run's training checkpoint under its one name (checkpoints/training.ckpt): the server
 * replaces the one stored before (the only artifact it replaces) and drops it when the run ends.
 */
export function uploadCheckpoint(
  api: Pick<WorkerApi, "uploadArtifact">,
  run: RunAttemptRef,
  bytes: Uint8Array,
): Promise<UploadedArtifact> {
  return api.uploadArtifact({
    ...run,
    name: TRAINING_CHECKPOINT_NAME,
    kind: CHECKPOINT_ARTIFACT_KIND,
    contentType: "application/octet-stream",
    bytes,
  });
}

/** The training checkpoint an earlier attempt stored, if any. */
export function storedCheckpoint(artifacts: readonly StoredArtifact[]): StoredArtifact | null {
  return (
    artifacts.find(
      (artifact) => artifact.name === TRAINING_CHECKPOINT_NAME && artifact.kind === CHECKPOINT_ARTIFACT_KIND,
    ) ?? null
  );
}
