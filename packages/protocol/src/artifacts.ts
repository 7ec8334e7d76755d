import { z } from "zod";
import { objectId } from "./object-id.js";

/** Where artifact bytes are served over plain HTTP, beside tRPC (models are binary). */
export const ARTIFACT_HTTP_PATH = "/api/artifacts";

/**
 * The kind of a run's training checkpoint (weights, optimizer state, curve so far). Unlike every
 * other artifact it is replaced: the worker holding the run uploads each newer checkpoint under the
 * same name, and the record is removed when the run ends (succeeded, failed for good, canceled).
 */
export const CHECKPOINT_ARTIFACT_KIND = "checkpoint";
/** The one name a run's training checkpoint is stored under. */
export const TRAINING_CHECKPOINT_NAME = "checkpoints/training.ckpt";

/** A kind groups artifacts for people and tools: "model-json", "weights", "results", "stats", "log". */
export const artifactKindInput = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,39}$/,
    'must be 1-40 lowercase letters, digits or "-", starting with a letter, e.g. "weights"',
  );

/** A name within its run, e.g. "models/mean0.1-std0.4/weights.bin"; never a path on disk. */
export const artifactNameInput = z
  .string()
  .min(1, "must not be empty")
  .max(255, "must be at most 255 characters")
  .regex(/^\P{Cc}+$/u, "must not contain control characters")
  .refine((name) => name.trim() === name, "must not start or end with spaces");

export const contentTypeInput = z
  .string()
  .max(200, "must be at most 200 characters")
  .regex(/^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(?:\s*;.*)?$/, 'must be a media type such as "application/octet-stream"');

export const sha256Input = z
  .string()
  .transform((value) => value.toLowerCase())
  .pipe(z.string().regex(/^[0-9a-f]{64}$/, "must be 64 hex digits (a sha256)"));

/**
 * The query of `POST /api/artifacts` (the body is the bytes): which run and row the file belongs
 * to, its name, kind and type, and the sha256 the uploader computed.
 */
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

/** An artifact stored for a run, as a worker sees it in its claim and in upload answers. */
export const storedArtifact = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  sha256: z.string(),
  sizeBytes: z.number(),
  contentType: z.string(),
});
export type StoredArtifact = z.output<typeof storedArtifact>;

/** The answer to an upload: the stored artifact, and whether this upload created it (false: same name and bytes were already stored). */
export const uploadedArtifactReply = z.object({
  artifact: storedArtifact.loose(),
  created: z.boolean(),
});
export type UploadedArtifactReply = z.output<typeof uploadedArtifactReply>;
