import { describe, expect, it } from "vitest";
import {
  claimReply,
  claimRunInput,
  finishRunInput,
  heartbeatReply,
  RUN_STAGES,
  runProgressInput,
  uploadArtifactInput,
} from "../src/index.js";

describe("the worker protocol", () => {
  it("turns the ISO times of claim and heartbeat answers back into Dates", () => {
    const lease = new Date("2026-12-02T10:00:00.000Z");
    const wire = JSON.parse(
      JSON.stringify({
        run: {
          id: "r1",
          attempt: 1,
          maxAttempts: 3,
          experimentId: "e1",
          projectId: "p1",
          experimentName: "demo",
          seed: null,
          config: { dataset: "mnist" },
          completedStages: ["load"],
          artifacts: [],
        },
        leaseExpiresAt: lease,
      }),
    );
    expect(typeof wire.leaseExpiresAt).toBe("string");
    expect(claimReply.parse(wire).leaseExpiresAt).toEqual(lease);
    expect(
      heartbeatReply.parse({ leaseExpiresAt: lease.toISOString(), cancelRequested: false }).leaseExpiresAt,
    ).toEqual(lease);
    expect(heartbeatReply.parse({ leaseExpiresAt: null, cancelRequested: true }).leaseExpiresAt).toBeNull();
  });

  it("fills the claim's defaults and refuses waits past the server's limit", () => {
    expect(claimRunInput.parse({ workerName: "gpu-1" })).toEqual({
      workerName: "gpu-1",
      leaseSeconds: 30,
      waitSeconds: 0,
    });
    const refused = claimRunInput.safeParse({ workerName: "gpu-1", waitSeconds: 31 });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe("must be at most 30 seconds");
  });

  it("names the pipeline's stages in order and refuses others in progress reports", () => {
    expect(RUN_STAGES).toEqual(["load", "train", "statistics", "sweep", "export", "deploy"]);
    expect(runProgressInput.safeParse({ stage: "upload" }).success).toBe(false);
    expect(runProgressInput.safeParse({ stage: "train", accuracy: 1.5 }).error?.issues[0]?.message).toBe(
      "must be a fraction in [0, 1]",
    );
  });

  it("asks a failed finish to say what went wrong and whether to retry", () => {
    expect(finishRunInput.safeParse({ runId: "r1", attempt: 1, outcome: "failed", error: " " }).success).toBe(false);
    expect(finishRunInput.safeParse({ runId: "r1", attempt: 1, outcome: "failed", error: "disk full" }).success).toBe(
      false,
    );
    expect(
      finishRunInput.parse({ runId: "r1", attempt: 2, outcome: "failed", error: "disk full", retryable: true }),
    ).toEqual({ runId: "r1", attempt: 2, outcome: "failed", error: "disk full", retryable: true });
  });

  it("reads an upload's attempt from its query text and refuses names with control characters", () => {
    expect(uploadArtifactInput.parse({ runId: "r1", name: "a.bin", kind: "weights", attempt: "2" }).attempt).toBe(2);
    expect(uploadArtifactInput.safeParse({ runId: "r1", name: "a\u0000b", kind: "weights" }).success).toBe(false);
    expect(uploadArtifactInput.safeParse({ runId: "r1", name: "a.bin", kind: "weights", attempt: "0" }).success).toBe(
      false,
    );
  });
});
