import { DeadweightError, type DeadweightErrorCode } from "@deadweight/core";
import type { RunStage } from "@deadweight/protocol";
import { isServerCallError } from "../api/server-call-error.js";

/** A stage of the pipeline failed: carries the stage so the run's error says where. */
export class StageFailure extends Error {
  readonly stage: RunStage;

  constructor(stage: RunStage, cause: unknown) {
    super(`${stage}: ${describe(cause)}`, { cause });
    this.name = "StageFailure";
    this.stage = stage;
  }
}

/**
 * Failures that would happen again on any worker: the data, the model specification or the
 * configuration is wrong, or training diverges (same seed, same divergence). Retrying only delays
 * the runs queued behind.
 */
const PERMANENT_CODES: ReadonlySet<DeadweightErrorCode> = new Set([
  "INVALID_DATASET",
  "INVALID_MODEL_SPEC",
  "INVALID_THRESHOLD",
  "INVALID_OPTION",
  "MODEL_SHAPE_MISMATCH",
  "NON_FINITE_ACTIVATION",
  "NON_FINITE_LOSS",
  // An exported bundle that does not reproduce its stored accuracy, or whose files changed: exporting
  // again gives the same files, so the run fails at once and loudly.
  "VERIFICATION_FAILED",
  "BUNDLE_INTEGRITY",
  // Estimated above this worker's memory before anything was allocated: the same estimate on retry.
  "RUN_TOO_LARGE",
]);

/** The server refused a report because this attempt's claim ended (canceled, or the lease lost): HTTP 409. */
export function isClaimEndedRefusal(error: unknown): boolean {
  const cause = error instanceof StageFailure ? error.cause : error;
  return isServerCallError(cause, "conflict");
}

/** The longest error message sent to the server: enough for any of ours, and bounded. */
const MAX_ERROR_LENGTH = 2000;

/** How a failed attempt is reported: the reason a person reads, and whether another attempt may succeed. */
export function failureOutcome(error: unknown): {
  readonly outcome: "failed";
  readonly error: string;
  readonly retryable: boolean;
} {
  const cause = error instanceof StageFailure ? error.cause : error;
  const permanent =
    (cause instanceof DeadweightError && PERMANENT_CODES.has(cause.code)) ||
    // The server refused what this run produced: the same run would produce it again.
    isServerCallError(cause, "bad-request") ||
    isImpossibleAllocation(cause);
  const message = error instanceof Error ? error.message : String(error);
  return {
    outcome: "failed",
    error: message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH - 1)}…` : message,
    retryable: !permanent,
  };
}

/**
 * JavaScript refused a buffer length no machine can allocate ("Invalid typed array length: 1e+14"):
 * the same run asks for the same length on any worker. "Array buffer allocation failed" is not
 * one: it is this machine's memory at this moment, and another attempt may pass.
 */
function isImpossibleAllocation(cause: unknown): boolean {
  return cause instanceof RangeError && /invalid (typed )?array (buffer )?length/i.test(cause.message);
}

function describe(cause: unknown): string {
  if (cause instanceof DeadweightError) return `[${cause.code}] ${cause.message}`;
  if (isServerCallError(cause)) return cause.message;
  if (cause instanceof Error) return `unexpected error: ${cause.message}`;
  return `unexpected error: ${String(cause)}`;
}
