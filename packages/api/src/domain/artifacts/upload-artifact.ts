import { CHECKPOINT_ARTIFACT_KIND, type UploadArtifactInput } from "@deadweight/protocol";
import type { SignedInActor } from "../../access/actor.js";
import { accessRun, accessRunAsWorker } from "../../access/owned-objects.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";
import { requireRunningRun } from "../queue/held-run.js";
import { artifactSelect, toArtifactView } from "./artifact-view.js";
import { assertRowOfRun, nameTaken, type RecordedArtifact, recordArtifact, rowIdOfKey } from "./record-artifact.js";

export interface ArtifactUpload {
  /** The bytes; null when the request had no body. */
  readonly body: AsyncIterable<Uint8Array> | null;
  /** The size the uploader announced (Content-Length), checked before reading anything. */
  readonly declaredSizeBytes?: number;
  readonly maxBytes: number;
}

/**
 * Stores an artifact of a run for a person (member or higher), or for a worker token of the run's
 * team while the run is running (see requireRunningRun): streams the bytes into the store
 * (size-limited, sha256-checked) and records their metadata. Re-uploading a name with the same bytes
 * returns the existing record; with other bytes it is a CONFLICT, except for the worker's training
 * checkpoint (kind "checkpoint"), which each newer one replaces.
 */
export async function uploadArtifact(
  store: Store,
  actor: SignedInActor,
  input: UploadArtifactInput,
  upload: ArtifactUpload,
): Promise<RecordedArtifact> {
  let run: { readonly teamId: string; readonly runId: string };
  if (actor.kind === "worker") {
    run = await accessRunAsWorker(store, actor, input.runId);
    await requireRunningRun(store, run.runId, input.attempt);
  } else {
    run = await accessRun(store, actor, input.runId, "member");
  }
  // Everything that can be refused without the bytes is refused before reading them.
  if (input.resultRowId !== undefined && input.resultRowKey !== undefined) {
    throw new AppError("BAD_REQUEST", "resultRowKey: give resultRowId or resultRowKey, not both", "resultRowKey");
  }
  if (input.resultRowId !== undefined) await assertRowOfRun(store.db, run.runId, input.resultRowId);
  const resultRowId =
    input.resultRowKey === undefined ? input.resultRowId : await rowIdOfKey(store.reads, run.runId, input.resultRowKey);
  if (upload.declaredSizeBytes !== undefined && upload.declaredSizeBytes > upload.maxBytes) {
    throw new AppError(
      "PAYLOAD_TOO_LARGE",
      `the artifact is ${upload.declaredSizeBytes} bytes; the limit is ${upload.maxBytes} bytes`,
    );
  }
  const replace = actor.kind === "worker" && input.kind === CHECKPOINT_ARTIFACT_KIND;
  if (input.expectedSha256 !== undefined) {
    // Through the read path: most uploads find nothing (see requireRunningRun on why not Prisma).
    const existing = await store.reads
      .selectFrom("Artifact")
      .select(["sha256", "kind"])
      .where("runId", "=", run.runId)
      .where("name", "=", input.name)
      .executeTakeFirst();
    if (existing !== undefined) {
      if (existing.sha256 === input.expectedSha256) {
        // A retry of an upload that already succeeded: the announced bytes are the stored ones.
        const stored = await store.db.artifact.findUnique({
          where: { runId_name: { runId: run.runId, name: input.name } },
          select: artifactSelect,
        });
        if (stored !== null) return { artifact: toArtifactView(stored), created: false };
        // Gone since (a newer checkpoint replaced it): stored again below.
      } else if (!(replace && existing.kind === CHECKPOINT_ARTIFACT_KIND)) {
        throw nameTaken(run.runId, input.name, existing.sha256, input.expectedSha256);
      }
    }
  }
  if (upload.body === null || upload.declaredSizeBytes === 0) throw emptyBody();

  const stored = await store.artifacts.put(upload.body, {
    maxBytes: upload.maxBytes,
    ...(input.expectedSha256 === undefined ? {} : { expectedSha256: input.expectedSha256 }),
  });
  if (stored.sizeBytes === 0) throw emptyBody();
  return recordArtifact(
    store,
    actor,
    run,
    {
      ...(resultRowId === undefined ? {} : { resultRowId }),
      kind: input.kind,
      name: input.name,
      sizeBytes: stored.sizeBytes,
      sha256: stored.sha256,
      contentType: input.contentType,
    },
    { replaceCheckpoint: replace },
  );
}

function emptyBody(): AppError {
  return new AppError(
    "BAD_REQUEST",
    "body: the upload is empty; send the artifact's bytes as the request body",
    "body",
  );
}
