import { describe, expect, it } from "vitest";
import type { WorkerApi } from "../src/api/worker-api.js";
import { claimLoop } from "../src/claim/claim-loop.js";

type ClaimInput = Parameters<WorkerApi["claim"]>[0];

/**
 * A server whose queue stays empty: each claim waits `waitSeconds` scaled down by `msPerSecond`
 * (or answers at once when `waits` is false), ending early when the worker aborts it.
 */
function emptyQueue(options: { readonly waits: boolean; readonly msPerSecond: number }) {
  const claims: { readonly input: ClaimInput; readonly sentAt: number }[] = [];
  const unused = () => Promise.reject(new Error("no run was claimed"));
  const api: WorkerApi = {
    claim: (input, signal) => {
      claims.push({ input, sentAt: performance.now() });
      const ms = options.waits ? (input.waitSeconds ?? 0) * options.msPerSecond : 0;
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(null), ms);
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
    log: () => {},
  });

describe("claimLoop on an empty queue", () => {
  it("waits on the server (long poll) and asks again as soon as a wait ends, without sleeping", async () => {
    const { api, claims } = emptyQueue({ waits: true, msPerSecond: 1_000 });
    const shutdown = new AbortController();
    const loop = loopOn(api, shutdown.signal, 0.1);
    await new Promise((resolve) => setTimeout(resolve, 450));
    shutdown.abort();
    await loop;
    // Each claim asks the server to wait 100 ms; the next one follows at once (the backoff is 300 ms).
    expect(claims.every((claim) => claim.input.waitSeconds === 0.1)).toBe(true);
    expect(claims.length).toBeGreaterThanOrEqual(4);
    const gaps = claims.slice(1).map((claim, i) => claim.sentAt - (claims[i] as (typeof claims)[number]).sentAt);
    expect(Math.max(...gaps)).toBeLessThan(100 + 50);
  });

  it("asks for a 20 s wait by default, and falls back to its poll backoff when the server answers at once (a server that does not wait)", async () => {
    const { api, claims } = emptyQueue({ waits: false, msPerSecond: 0 });
    const shutdown = new AbortController();
    const loop = loopOn(api, shutdown.signal);
    await new Promise((resolve) => setTimeout(resolve, 700));
    shutdown.abort();
    await loop;
    expect(claims.every((claim) => claim.input.waitSeconds === 20)).toBe(true);
    // 0 ms, then 300 ms, then 450 ms of backoff: three claims, not a tight loop.
    expect(claims.length).toBeGreaterThanOrEqual(2);
    expect(claims.length).toBeLessThanOrEqual(3);
  });

  it("gives up a waiting claim at once on shutdown", async () => {
    const { api } = emptyQueue({ waits: true, msPerSecond: 1_000 });
    const shutdown = new AbortController();
    const loop = loopOn(api, shutdown.signal, 20);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stoppedAt = performance.now();
    shutdown.abort();
    expect(await loop).toEqual([]);
    expect(performance.now() - stoppedAt).toBeLessThan(200);
  });
});
