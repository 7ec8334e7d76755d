/** Every failure the core reports to its callers, with a code a program can branch on. */
export type DeadweightErrorCode =
  | "INVALID_DATASET"
  | "INVALID_MODEL_SPEC"
  | "INVALID_THRESHOLD"
  | "INVALID_OPTION"
  | "NON_FINITE_ACTIVATION"
  | "NON_FINITE_LOSS"
  | "MODEL_SHAPE_MISMATCH"
  | "BACKEND_UNAVAILABLE"
  | "CANCELED"
  /** A training checkpoint that cannot be read, or does not fit the training it is asked to resume. */
  | "INVALID_CHECKPOINT"
  /** A bundle's files differ from the sha256 digests recorded when it was exported. */
  | "BUNDLE_INTEGRITY"
  /** A bundle reloaded in a fresh process did not reproduce its stored accuracy, or could not be evaluated. */
  | "VERIFICATION_FAILED"
  /** A run's estimated memory is above what the machine (or the worker's --max-memory) allows. */
  | "RUN_TOO_LARGE"
  /** One of a run's compute threads (statistics or sweep with threads > 1) could not start or crashed. */
  | "COMPUTE_THREAD_FAILED";

/**
 * The one error type of @deadweight/core. Its message says what was wrong and what to do,
 * e.g. `dataset "foo": expected IDX magic 2051, found 1234`.
 */
export class DeadweightError extends Error {
  readonly code: DeadweightErrorCode;

  constructor(code: DeadweightErrorCode, message: string) {
    super(message);
    this.name = "DeadweightError";
    this.code = code;
  }
}
