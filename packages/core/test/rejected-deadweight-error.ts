import { expect } from "vitest";
import { DeadweightError } from "../src/errors.js";

/** Awaits an operation that must reject with a DeadweightError and returns that error for code/message checks. */
export async function rejectedDeadweightError(promise: Promise<unknown>): Promise<DeadweightError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DeadweightError);
    return error as DeadweightError;
  }
  throw new Error("expected a DeadweightError, but the operation succeeded");
}
