import type { Db } from "@deadweight/db";
import { z } from "zod";
import type { SignedInActor } from "../../access/actor.js";
import { accessRun, accessRunAsWorker } from "../../access/owned-objects.js";
import type { ArtifactStore } from "../../artifacts/artifact-store.js";
import { AppError } from "../../errors/app-error.js";
import { objectId } from "../../inputs/object-id.js";
import { requireRunningRun } from "../queue/held-run.js";
import { artifactKindInput, artifactNameInput, contentTypeInput, sha256Input } from "./artifact-inputs.js";
import { artifactSelect, toArtifactView } from "./artifact-view.js";
import { assertRowOfRun, nameTaken, type RecordedArtifact, recordArtifact, rowIdOfKey } from "./record-artifact.js";

export const uploadArtifactInput = z.object({
  runId: objectId,
  name: artifactNameInput,
  kind: artifactKindInput,
  resultRowId: objectId.optional(),
  /** The row by its key within the run ("mean0.1-std0.4"), for uploaders that do not know row ids (workers). */
  resultRowKey: z.string().min(1, "must not be empty").max(200, "must be at most 200 characters").optional(),
  contentType: contentTypeInput.default("application/octet-stream"),
  /** The sha256 the uploader computed; the bytes must hash to it. */
  expectedSha256: sha256Input.optional(),
  /** Worker tokens only: the claim (attempt) the worker holds the run under; refused if that claim ended. */
  attempt: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, "must be the attempt number the claim returned (1 or more)")
    .transform(Number)
    .optional(),
});
export type UploadArtifactInput = z.output<typeof uploadArtifactInput>;

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
 * returns the existing record; with other bytes it is a CONFLICT.
 */
export async function uploadArtifact(
  db: Db,
  store: ArtifactStore,
  actor: SignedInActor,
  input: UploadArtifactInput,
  upload: ArtifactUpload,
): Promise<RecordedArtifact> {
  let run: { readonly teamId: string; readonly runId: string };
  if (actor.kind === "worker") {
    run = await accessRunAsWorker(db, actor, input.runId);
    await requireRunningRun(db, run.runId, input.attempt);
  } else {
    run = await accessRun(db, actor, input.runId, "member");
  }
  // Everything that can be refused without the bytes is refused before reading them.
  if (input.resultRowId !== undefined && input.resultRowKey !== undefined) {
    throw new AppError("BAD_REQUEST", "resultRowKey: give resultRowId or resultRowKey, not both", "resultRowKey");
  }
  if (input.resultRowId !== undefined) await assertRowOfRun(db, run.runId, input.resultRowId);
  const resultRowId =
    input.resultRowKey === undefined ? input.resultRowId : await rowIdOfKey(db, run.runId, input.resultRowKey);
  if (upload.declaredSizeBytes !== undefined && upload.declaredSizeBytes > upload.maxBytes) {
    throw new AppError(
      "PAYLOAD_TOO_LARGE",
      `the artifact is ${upload.declaredSizeBytes} bytes; the limit is ${upload.maxBytes} bytes`,
    );
  }
  if (input.expectedSha256 !== undefined) {
    const existing = await db.artifact.findUnique({
      where: { runId_name: { runId: run.runId, name: input.name } },
      select: artifactSelect,
    });
    if (existing !== null) {
      if (existing.sha256 !== input.expectedSha256) {
        throw nameTaken(run.runId, input.name, existing.sha256, input.expectedSha256);
      }
      // A retry of an upload that already succeeded: the announced bytes are the stored ones.
      return { artifact: toArtifactView(existing), created: false };
    }
  }
  if (upload.body === null || upload.declaredSizeBytes === 0) throw emptyBody();

  const stored = await store.put(upload.body, {
    maxBytes: upload.maxBytes,
    ...(input.expectedSha256 === undefined ? {} : { expectedSha256: input.expectedSha256 }),
  });
  if (stored.sizeBytes === 0) throw emptyBody();
  return recordArtifact(db, actor, run, {
    ...(resultRowId === undefined ? {} : { resultRowId }),
    kind: input.kind,
    name: input.name,
    sizeBytes: stored.sizeBytes,
    sha256: stored.sha256,
    contentType: input.contentType,
  });
}

function emptyBody(): AppError {
  return new AppError(
    "BAD_REQUEST",
    "body: the upload is empty; send the artifact's bytes as the request body",
    "body",
  );
}
