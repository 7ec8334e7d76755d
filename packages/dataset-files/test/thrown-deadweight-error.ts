import { DeadweightError } from "@deadweight/core";
import { expect } from "vitest";

/** Runs an action that must fail with a DeadweightError and returns that error for code/message checks. */
export function thrownDeadweightError(action: () => unknown): DeadweightError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(DeadweightError);
    return error as DeadweightError;
  }
  throw new Error("expected a DeadweightError, but nothing was thrown");
}
