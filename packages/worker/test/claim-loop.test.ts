import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { WorkerApi } from "../src/api/worker-api.js";
import { claimLoop } from "../src/claim/claim-loop.js";
import { inThisThread } from "../src/pipeline/pipeline-host.js";

type ClaimInput = Parameters<WorkerApi["claim"]>[0];

/**
 * A server whose queue stays empty: each claim is held for its `waitSeconds` (or answered at once
 * when `waits` is false), ending early when the worker aborts it. Records each claim and when it was sent.
 */
function emptyQueue(options: { readonly waits: boolean }) {
  const claims: { readonly input: ClaimInput; readonly sentAt: number }[] = [];
  const unused = () => Promise.reject(new Error("no run was claimed"));
  const api: WorkerApi = {
    claim: (input, signal) => {
      claims.push({ input, sentAt: Date.now() });
      if (!options.waits) return Promise.resolve(null);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(null), (input.waitSeconds ?? 0) * 1_000);
        signal?.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve(null);
        });
      });
    },
    heartbeat: unused,
    completeStage: unused,
    recordResults: unused,
    recordDeployment: unused,
    finish: unused,
    uploadArtifact: unused,
    downloadArtifact: unused,
    getDataset: unused,
    downloadDatasetFile: unused,
  };
  return { api, claims };
}

const loopOn = (api: WorkerApi, signal: AbortSignal, claimWaitSeconds?: number) =>
  claimLoop({
    api,
    workerName: "w",
    concurrency: 1,
    leaseSeconds: 30,
    pollSeconds: 0.3,
    maxPollSeconds: 1,
    ...(claimWaitSeconds === undefined ? {} : { claimWaitSeconds }),
    signal,
    settings: { maxMemoryBytes: 2 ** 30 },
    host: inThisThread,
    log: () => {},
  });

beforeEach(() => {
  vi.useFakeTimers({ now: 0, toFake: ["setTimeout", "clearTimeout", "Date"] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("claimLoop on an empty queue", () => {
  it("waits on the server (long poll) and asks again as soon as a wait ends, without sleeping", async () => {
    const { api, claims } = emptyQueue({ waits: true });
    const shutdown = new AbortController();
    const loop = loopOn(api, shutdown.signal, 0.1);
    await vi.advanceTimersByTimeAsync(450);
    shutdown.abort();
    await loop;
    // Each claim asks the server to wait 100 ms; the next one follows at once (the backoff would be 300 ms).
    expect(claims.map((claim) => claim.input.waitSeconds)).toEqual([0.1, 0.1, 0.1, 0.1, 0.1]);
    expect(claims.map((claim) => claim.sentAt)).toEqual([0, 100, 200, 300, 400]);
  });

  it("asks for a 20 s wait by default, and falls back to its poll backoff when the server answers at once (a server that does not wait)", async () => {
    const { api, claims } = emptyQueue({ waits: false });
    const shutdown = new AbortController();
    const loop = loopOn(api, shutdown.signal);
    await vi.advanceTimersByTimeAsync(3_500);
    shutdown.abort();
    await loop;
    expect(claims.every((claim) => claim.input.waitSeconds === 20)).toBe(true);
    // Not a tight loop: 300 ms of backoff, growing by half (450, 675 ms) up to the 1 s maximum.
    expect(claims.map((claim) => claim.sentAt)).toEqual([0, 300, 750, 1_425, 2_425, 3_425]);
  });

  it("gives up a waiting claim at once on shutdown", async () => {
    const { api, claims } = emptyQueue({ waits: true });
    const shutdown = new AbortController();
    const loop = loopOn(api, shutdown.signal, 20);
    await vi.advanceTimersByTimeAsync(100);
    shutdown.abort();
    // No timer is advanced from here on: a loop that waited for one (the claim's 20 s, a backoff) would never end.
    expect(await loop).toEqual([]);
    expect(Date.now()).toBe(100);
    expect(claims).toHaveLength(1);
  });
});
