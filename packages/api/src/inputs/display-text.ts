import { unsafeCharacterIn } from "@deadweight/experiment-config";
import { z } from "zod";

/**
 * A name people see in lists, tables and the CLI (a team, project or experiment): trimmed, not
 * empty, at most `maxLength` characters, and no control or bidirectional characters (NUL, terminal
 * escapes, U+202E), which would scramble every place it is shown.
 */
export function displayName(maxLength: number) {
  return z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(maxLength, `must be at most ${maxLength} characters`)
    .superRefine((text, context) => refuseUnsafeCharacters(text, context, false));
}

/** A multi-line text people read (a description): line breaks and tabs are fine, other controls are not. */
export function displayDescription(maxLength: number) {
  return z
    .string()
    .max(maxLength, `must be at most ${maxLength} characters`)
    .superRefine((text, context) => refuseUnsafeCharacters(text, context, true));
}

function refuseUnsafeCharacters(text: string, context: z.RefinementCtx, allowLineBreaks: boolean): void {
  const unsafe = unsafeCharacterIn(text, { allowLineBreaks });
  if (unsafe !== null) context.addIssue({ code: "custom", message: `contains ${unsafe}; remove it` });
}
