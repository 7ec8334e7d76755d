import { z } from "zod";

/** Lowercase, readable, safe in URLs and file names: "edge-v2", "phone.2026-q1". */
const ALIAS_PATTERN = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

export const candidateAliasInput = z
  .string()
  .regex(
    ALIAS_PATTERN,
    'must be 1-64 lowercase letters, digits, ".", "_" or "-", starting and ending with a letter or digit, e.g. "edge-v2"',
  );

/** Why a person made a change: the history is read months later, so it is required. */
export const candidateNoteInput = z
  .string()
  .trim()
  .min(1, "must say why (it is kept in the candidate's history)")
  .max(2000, "must be at most 2000 characters");
