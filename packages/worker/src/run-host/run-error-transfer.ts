import { DeadweightError, type DeadweightErrorCode } from "@deadweight/core";
import type { RunStage } from "@deadweight/protocol";
import { ServerCallError, type ServerCallErrorKind } from "../api/server-call-error.js";
import { isRunStop, type RunStop } from "../pipeline/run-stop.js";
import { StageFailure } from "../pipeline/stage-failure.js";

/**
 * What a run's pipeline threw, as a message between threads: every fact the attempt decides on
 * (the stage, a DeadweightError's code, a ServerCallError's kind and status, a RangeError's message)
 * survives the crossing, which a structured clone of the error itself would lose (it keeps neither
 * classes nor their fields).
 */
export type TransferredRunError =
  | {
      readonly type: "stage-failure";
      readonly stage: RunStage;
      readonly message: string;
      readonly cause: TransferredRunError;
    }
  | {
      readonly type: "deadweight";
      readonly code: DeadweightErrorCode;
      readonly message: string;
      readonly stack?: string;
    }
  | {
      readonly type: "server-call";
      readonly kind: ServerCallErrorKind;
      readonly message: string;
      readonly status?: number;
      readonly field?: string;
      readonly networkReason?: string;
    }
  | { readonly type: "range"; readonly message: string; readonly stack?: string }
  | { readonly type: "error"; readonly name: string; readonly message: string; readonly stack?: string }
  | { readonly type: "run-stop"; readonly stop: RunStop }
  | { readonly type: "value"; readonly text: string };

/** `error` as a message another thread can rebuild with rebuildRunError. */
export function transferRunError(error: unknown): TransferredRunError {
  if (error instanceof StageFailure) {
    return { type: "stage-failure", stage: error.stage, message: error.message, cause: transferRunError(error.cause) };
  }
  if (error instanceof DeadweightError) {
    return { type: "deadweight", code: error.code, message: error.message, ...stackOf(error) };
  }
  if (error instanceof ServerCallError) {
    return {
      type: "server-call",
      kind: error.kind,
      message: error.message,
      ...(error.status === undefined ? {} : { status: error.status }),
      ...(error.field === undefined ? {} : { field: error.field }),
      ...(error.networkReason === undefined ? {} : { networkReason: error.networkReason }),
    };
  }
  if (error instanceof RangeError) return { type: "range", message: error.message, ...stackOf(error) };
  if (error instanceof Error) return { type: "error", name: error.name, message: error.message, ...stackOf(error) };
  if (isRunStop(error)) return { type: "run-stop", stop: { kind: error.kind, message: error.message } };
  return { type: "value", text: String(error) };
}

/** The error transferRunError described, of the same class with the same fields and message. */
export function rebuildRunError(transferred: TransferredRunError): unknown {
  switch (transferred.type) {
    case "stage-failure": {
      const failure = new StageFailure(transferred.stage, rebuildRunError(transferred.cause));
      failure.message = transferred.message;
      return failure;
    }
    case "deadweight":
      return withStack(new DeadweightError(transferred.code, transferred.message), transferred.stack);
    case "server-call":
      return new ServerCallError(
        transferred.kind,
        transferred.message,
        transferred.status,
        transferred.field,
        transferred.networkReason,
      );
    case "range":
      return withStack(new RangeError(transferred.message), transferred.stack);
    case "error": {
      const error = withStack(new Error(transferred.message), transferred.stack);
      error.name = transferred.name;
      return error;
    }
    case "run-stop":
      return transferred.stop;
    case "value":
      return transferred.text;
  }
}

function stackOf(error: Error): { readonly stack?: string } {
  return error.stack === undefined ? {} : { stack: error.stack };
}

function withStack<T extends Error>(error: T, stack: string | undefined): T {
  if (stack !== undefined) error.stack = stack;
  return error;
}
