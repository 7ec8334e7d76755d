import { z } from "zod";

/** A tag as people type it; stored lowercased so "Edge" and "edge" are one tag. */
export const experimentTagInput = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(40, "must be at most 40 characters")
  .regex(/^[\w.:/-]+$/, "use letters, digits and . : / _ - (no spaces)")
  .transform((tag) => tag.toLowerCase());

/** Up to 20 tags; duplicates collapse. */
export const experimentTagsInput = z
  .array(experimentTagInput)
  .max(20, "at most 20 tags")
  .transform((tags) => [...new Set(tags)]);
