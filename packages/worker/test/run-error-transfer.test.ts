import { DeadweightError } from "@deadweight/core";
import { describe, expect, it } from "vitest";
import { ServerCallError } from "../src/api/server-call-error.js";
import { isRunStop } from "../src/pipeline/run-stop.js";
import { failureOutcome, isClaimEndedRefusal, StageFailure } from "../src/pipeline/stage-failure.js";
import { rebuildRunError, transferRunError } from "../src/run-host/run-error-transfer.js";

/** The error as the worker sees it after the thread sent it: transferred, copied by the message channel, rebuilt. */
function acrossThreads(error: unknown): unknown {
  return rebuildRunError(structuredClone(transferRunError(error)));
}

function impossibleAllocation(): unknown {
  try {
    new Float32Array(1e15);
  } catch (error) {
    return error;
  }
  throw new Error("a 1e15-element Float32Array was allocated");
}

/** The classes the worker's decisions look at (any other Error is an unexpected error, whatever its class). */
function classOf(error: unknown): string {
  for (const type of [StageFailure, DeadweightError, ServerCallError, RangeError, Error]) {
    if (error instanceof type) return type.name;
  }
  return typeof error;
}

const FAILURES: readonly [string, unknown][] = [
  [
    "bad data (permanent)",
    new StageFailure("load", new DeadweightError("INVALID_DATASET", 'dataset "x": no such file')),
  ],
  ["too large (permanent)", new StageFailure("load", new DeadweightError("RUN_TOO_LARGE", "needs 9 GiB"))],
  ["diverged (permanent)", new StageFailure("train", new DeadweightError("NON_FINITE_LOSS", "loss is NaN at epoch 2"))],
  ["backend missing (retried)", new StageFailure("load", new DeadweightError("BACKEND_UNAVAILABLE", "no tfjs-node"))],
  [
    "server refused the results (permanent)",
    new StageFailure("sweep", new ServerCallError("bad-request", "rows[0]", 400)),
  ],
  [
    "server unreachable (retried)",
    new StageFailure(
      "export",
      new ServerCallError("unreachable", "cannot reach", undefined, undefined, "ECONNREFUSED"),
    ),
  ],
  ["claim ended (409)", new StageFailure("train", new ServerCallError("conflict", "no longer yours", 409, "runId"))],
  ["impossible allocation (permanent)", new StageFailure("train", impossibleAllocation())],
  ["allocation failed here (retried)", new StageFailure("train", new RangeError("Array buffer allocation failed"))],
  ["unexpected error (retried)", new StageFailure("statistics", new TypeError("x is not a function"))],
  ["a thrown string", new StageFailure("deploy", "a string")],
  ["outside any stage", new ServerCallError("conflict", "no longer yours", 409)],
  ["a bare DeadweightError", new DeadweightError("INVALID_OPTION", "bad option")],
];

describe("a run's error sent from its thread to the worker", () => {
  it.each(FAILURES)("is classified as in the worker's own thread: %s", (_name, error) => {
    const rebuilt = acrossThreads(error);
    expect(failureOutcome(rebuilt)).toEqual(failureOutcome(error));
    expect(isClaimEndedRefusal(rebuilt)).toBe(isClaimEndedRefusal(error));
    expect(classOf(rebuilt)).toBe(classOf(error));
    if (error instanceof StageFailure) {
      expect((rebuilt as StageFailure).stage).toBe(error.stage);
      expect(classOf((rebuilt as StageFailure).cause)).toBe(classOf(error.cause));
    }
  });

  it("keeps a DeadweightError's code and a ServerCallError's kind, status, field and network reason", () => {
    const deadweight = acrossThreads(new DeadweightError("VERIFICATION_FAILED", "differs")) as DeadweightError;
    expect([deadweight.code, deadweight.message]).toEqual(["VERIFICATION_FAILED", "differs"]);
    const refused = acrossThreads(
      new ServerCallError("unreachable", "cannot reach", undefined, undefined, "ECONNREFUSED"),
    ) as ServerCallError;
    expect(refused.neverSent).toBe(true);
    const conflict = acrossThreads(new ServerCallError("conflict", "taken", 409, "name")) as ServerCallError;
    expect([conflict.kind, conflict.status, conflict.field, conflict.transient]).toEqual([
      "conflict",
      409,
      "name",
      false,
    ]);
  });

  it("keeps a stop's reason, so a stopped run is reported as the stop it was", () => {
    const stop = acrossThreads({ kind: "released", message: "the worker is shutting down" });
    expect(isRunStop(stop)).toBe(true);
    expect(stop).toEqual({ kind: "released", message: "the worker is shutting down" });
  });

  it("keeps the thread's stack of an unexpected error, for the log", () => {
    const error = new TypeError("x is not a function");
    const rebuilt = acrossThreads(error) as Error;
    expect(rebuilt.name).toBe("TypeError");
    expect(rebuilt.stack).toBe(error.stack);
  });
});
