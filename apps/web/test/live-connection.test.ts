import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import {
  connectionAfterError,
  connectionAfterSessionCheck,
  resumeDelayMs,
} from "../src/components/live/live-connection";

// How a page's live updates stand after a failure: retry, stop with the server's reason, or end
// with the session. Errors built as tRPC's client builds them from the server's answers.

/** A refusal as the server sends it (an event stream's serialized-error, or a query's error body). */
function refusal(code: string, jsonRpcCode: number, message: string) {
  return TRPCClientError.from({ error: { message, code: jsonRpcCode, data: { code, httpStatus: 0 } } });
}

const signedOut = refusal("UNAUTHORIZED", -32001, "sign in, or send an API token as 'Authorization: Bearer <token>'");
const gone = refusal("NOT_FOUND", -32004, "run abc does not exist");
const lostStream = new TRPCClientError("Unknown error");

describe("connectionAfterError", () => {
  it("ends the live updates with the session when the stream is refused UNAUTHORIZED", () => {
    expect(connectionAfterError(signedOut)).toEqual({ state: "session-ended" });
  });

  it("stops with the server's reason for another refusal it stands by", () => {
    expect(connectionAfterError(gone)).toEqual({ state: "stopped", message: "run abc does not exist" });
  });

  it("retries a stream that failed without the server saying why", () => {
    expect(connectionAfterError(lostStream)).toEqual({ state: "reconnecting" });
    expect(connectionAfterError(new Error("network down"))).toEqual({ state: "reconnecting" });
  });
});

describe("connectionAfterSessionCheck", () => {
  it("ends the retries when the session check is refused UNAUTHORIZED (the failed stream could not say why)", () => {
    expect(connectionAfterSessionCheck(signedOut)).toEqual({ state: "session-ended" });
  });

  it("retries when the session answered, or when the check itself could not get through", () => {
    expect(connectionAfterSessionCheck(null)).toEqual({ state: "reconnecting" });
    expect(connectionAfterSessionCheck(lostStream)).toEqual({ state: "reconnecting" });
    expect(connectionAfterSessionCheck(gone)).toEqual({ state: "reconnecting" });
  });
});

describe("resumeDelayMs", () => {
  it("doubles from 1 s up to 15 s", () => {
    expect([1, 2, 3, 4, 5, 6].map(resumeDelayMs)).toEqual([1_000, 2_000, 4_000, 8_000, 15_000, 15_000]);
  });
});
