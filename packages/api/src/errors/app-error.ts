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
export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly field: string | undefined;

  constructor(code: AppErrorCode, message: string, field?: string) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.field = field;
  }

  static notFound(what: string, id: string): AppError {
    return new AppError("NOT_FOUND", `${what} ${id} does not exist`);
  }
}
