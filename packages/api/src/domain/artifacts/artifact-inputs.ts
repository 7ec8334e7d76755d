import { z } from "zod";

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
