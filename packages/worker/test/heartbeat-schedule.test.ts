import { describe, expect, it } from "vitest";
import {
  heartbeatIntervalMs,
  MAX_BEAT_INTERVAL_MS,
  nextBeat,
  RETRY_AFTER_FAILURE_MS,
} from "../src/heartbeat/heartbeat-schedule.js";

describe("heartbeatIntervalMs", () => {
  it("beats every third of a short lease, so two beats in a row can fail before it expires", () => {
    expect(heartbeatIntervalMs(6)).toBe(2_000);
    expect(heartbeatIntervalMs(9)).toBe(3_000);
  });

  it("beats at least every 5 s on long leases, because the answer is how a cancel reaches the worker", () => {
    expect(heartbeatIntervalMs(30)).toBe(MAX_BEAT_INTERVAL_MS);
    expect(heartbeatIntervalMs(600)).toBe(MAX_BEAT_INTERVAL_MS);
  });
});

describe("nextBeat", () => {
  const lease = 9; // interval 3 s
  const t0 = 1_000_000;

  it("waits a whole interval after a beat that got through", () => {
    expect(nextBeat({ leaseSeconds: lease, lastSuccessSentAt: t0, now: t0 + 100, lastBeatFailed: false })).toEqual({
      kind: "beat",
      delayMs: 3_000,
    });
  });

  it("retries a failed beat after a second", () => {
    expect(nextBeat({ leaseSeconds: lease, lastSuccessSentAt: t0, now: t0 + 3_200, lastBeatFailed: true })).toEqual({
      kind: "beat",
      delayMs: RETRY_AFTER_FAILURE_MS,
    });
  });

  it("makes the last try as the lease runs out rather than after", () => {
    const next = nextBeat({ leaseSeconds: lease, lastSuccessSentAt: t0, now: t0 + 8_500, lastBeatFailed: true });
    expect(next).toEqual({ kind: "beat", delayMs: 500 });
  });

  it("gives the run up once no beat got through for a whole lease", () => {
    expect(nextBeat({ leaseSeconds: lease, lastSuccessSentAt: t0, now: t0 + 9_000, lastBeatFailed: true })).toEqual({
      kind: "lease-lost",
      silentMs: 9_000,
    });
  });
});
