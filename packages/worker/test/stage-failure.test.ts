import { DeadweightError } from "@deadweight/core";
import { describe, expect, it } from "vitest";
import { ServerCallError } from "../src/api/server-call-error.js";
import { failureOutcome, isClaimEndedRefusal, StageFailure } from "../src/pipeline/stage-failure.js";

describe("failureOutcome", () => {
  it.each([
    "INVALID_DATASET",
    "INVALID_MODEL_SPEC",
    "INVALID_THRESHOLD",
    "INVALID_OPTION",
    "NON_FINITE_LOSS",
    "RUN_TOO_LARGE",
  ] as const)("fails a %s at once: every worker would hit it again", (code) => {
    const outcome = failureOutcome(new StageFailure("load", new DeadweightError(code, "what was wrong")));
    expect(outcome).toEqual({ outcome: "failed", error: `load: [${code}] what was wrong`, retryable: false });
  });

  it("retries what may pass: a backend this machine lacks, an unexpected error, an unreachable server", () => {
    const backend = new DeadweightError("BACKEND_UNAVAILABLE", "no tfjs-node here");
    expect(failureOutcome(new StageFailure("load", backend)).retryable).toBe(true);
    const unexpected = failureOutcome(new StageFailure("train", new RangeError("Array buffer allocation failed")));
    expect(unexpected).toEqual({
      outcome: "failed",
      error: "train: unexpected error: Array buffer allocation failed",
      retryable: true,
    });
    const offline = new ServerCallError("unreachable", "cannot reach the Deadweight server");
    expect(failureOutcome(new StageFailure("sweep", offline)).retryable).toBe(true);
  });

  it("does not retry a buffer length no machine can allocate", () => {
    let impossible: unknown;
    try {
      new Float32Array(1e15);
    } catch (error) {
      impossible = error;
    }
    expect(impossible).toBeInstanceOf(RangeError);
    expect(failureOutcome(new StageFailure("train", impossible))).toMatchObject({ retryable: false });
  });

  it("does not retry results the server refused: the same run would produce them again", () => {
    const refused = new ServerCallError("bad-request", "invalid input: results.rows[0].bytes: must be 0 or more", 400);
    expect(failureOutcome(new StageFailure("sweep", refused))).toEqual({
      outcome: "failed",
      error: "sweep: invalid input: results.rows[0].bytes: must be 0 or more",
      retryable: false,
    });
  });

  it("keeps the message within what the server stores", () => {
    const long = new DeadweightError("INVALID_DATASET", "x".repeat(5000));
    expect(failureOutcome(new StageFailure("load", long)).error).toHaveLength(2000);
  });
});

describe("isClaimEndedRefusal", () => {
  it("recognizes a report refused because the claim ended, inside or outside a stage failure", () => {
    const refused = new ServerCallError("conflict", "run r1 attempt 1 is no longer yours (it was canceled)", 409);
    expect(isClaimEndedRefusal(refused)).toBe(true);
    expect(isClaimEndedRefusal(new StageFailure("train", refused))).toBe(true);
  });

  it("leaves every other failure to the failure path", () => {
    const offline = new ServerCallError("unreachable", "cannot reach the Deadweight server");
    expect(isClaimEndedRefusal(new StageFailure("train", offline))).toBe(false);
    expect(isClaimEndedRefusal(new StageFailure("train", new Error("conflict")))).toBe(false);
  });
});
