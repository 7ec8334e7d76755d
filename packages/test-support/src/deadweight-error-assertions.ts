import { expect } from "vitest";

/**
 * The shape of @deadweight/core's DeadweightError, checked by name and code so this package does
 * not depend on the core (whose own tests use it).
 */
export interface CodedError extends Error {
  readonly code: string;
}

function expectCodedError(error: unknown): CodedError {
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).name).toBe("DeadweightError");
  expect(typeof (error as CodedError).code).toBe("string");
  return error as CodedError;
}

/** Runs an action that must fail with a DeadweightError and returns that error for code/message checks. */
export function thrownDeadweightError(action: () => unknown): CodedError {
  try {
    action();
  } catch (error) {
    return expectCodedError(error);
  }
  throw new Error("expected a DeadweightError, but nothing was thrown");
}

/** Awaits an operation that must reject with a DeadweightError and returns that error for code/message checks. */
export async function rejectedDeadweightError(promise: Promise<unknown>): Promise<CodedError> {
  try {
    await promise;
  } catch (error) {
    return expectCodedError(error);
  }
  throw new Error("expected a DeadweightError, but the operation succeeded");
}
