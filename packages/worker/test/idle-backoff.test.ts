import { describe, expect, it } from "vitest";
import { IdleBackoff } from "../src/claim/idle-backoff.js";

describe("IdleBackoff", () => {
  it("waits longer each time the queue is found empty, up to the maximum, and starts over after work", () => {
    const backoff = new IdleBackoff(1, 5);
    expect([1, 2, 3, 4, 5, 6].map(() => backoff.nextDelayMs())).toEqual([1000, 1500, 2250, 3375, 5000, 5000]);
    backoff.reset();
    expect(backoff.nextDelayMs()).toBe(1000);
  });
});
