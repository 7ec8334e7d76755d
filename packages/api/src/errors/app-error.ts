/** What went wrong, in terms a client can act on. Mapped to tRPC codes and HTTP statuses in error-mapping.ts only. */
export type AppErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PAYLOAD_TOO_LARGE"
  | "INTERNAL";

/**
 * The one error type of the API's business code. `field` names the input field at fault, when
 * there is one. Asking for another team's object is NOT_FOUND, never FORBIDDEN: it must look
 * exactly as if it did not exist.
 */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly field: string | undefined;
  /** Every field at fault with its own message, when there are several (forms show each beside its input). */
  readonly issues: readonly FieldIssue[];

  constructor(code: AppErrorCode, message: string, field?: string, issues: readonly FieldIssue[] = []) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.field = field;
    this.issues = issues;
  }

  /** BAD_REQUEST for several fields at once: "field: message; field: message", the first field as `field`. */
  static invalidFields(issues: readonly FieldIssue[]): AppError {
    const message = issues.map((issue) => `${issue.field}: ${issue.message}`).join("; ");
    return new AppError("BAD_REQUEST", message, issues[0]?.field, issues);
  }

  static notFound(what: string, id: string): AppError {
    return new AppError("NOT_FOUND", `${what} ${id} does not exist`);
  }
}
