import { TRPCClientError } from "@trpc/client";

interface ErrorData {
  readonly issues?: readonly { readonly field: string; readonly message: string }[];
  readonly field?: string | null;
}

/** What went wrong, for a person: the server's message (it names the field and what to do). */
export function errorMessageOf(error: unknown): string {
  if (error instanceof TRPCClientError) return error.message;
  if (error instanceof Error) return error.message;
  return "something went wrong";
}

/**
 * Per-field messages of a refused request, keyed by the input path ("config.training.epochs"), so a
 * form can show each one beside its input. Paths are relative to `prefix` when given.
 */
export function fieldErrorsOf(error: unknown, prefix = ""): Record<string, string> {
  if (!(error instanceof TRPCClientError)) return {};
  const data = (error.data ?? {}) as ErrorData;
  const errors: Record<string, string> = {};
  for (const issue of data.issues ?? []) {
    const field =
      prefix !== "" && issue.field.startsWith(`${prefix}.`) ? issue.field.slice(prefix.length + 1) : issue.field;
    errors[field] ??= issue.message;
  }
  if (data.field !== undefined && data.field !== null) errors[data.field] ??= error.message;
  return errors;
}
