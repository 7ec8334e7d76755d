import type { HeartbeatReply, RunProgress } from "@deadweight/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ServerCallError } from "../src/api/server-call-error.js";
import { startHeartbeat } from "../src/heartbeat/heartbeat-loop.js";

type Answer = HeartbeatReply | ServerCallError;

/** A server that answers beats from a script (the last answer repeats) and records what it got and when. */
function scriptedServer(answers: Answer[]) {
  const received: { at: number; progress: RunProgress | undefined }[] = [];
  return {
    received,
    api: {
      heartbeat: async (input: { progress?: RunProgress }) => {
        received.push({ at: Date.now(), progress: input.progress });
        const answer = answers.length > 1 ? answers.shift() : answers[0];
        if (answer instanceof ServerCallError) throw answer;
        return answer as HeartbeatReply;
      },
    },
  };
}

const OK: HeartbeatReply = { leaseExpiresAt: new Date(), cancelRequested: false };

beforeEach(() => {
  vi.useFakeTimers({ now: 0, toFake: ["setTimeout", "clearTimeout", "Date"] });
});
afterEach(() => {
  vi.useRealTimers();
});

function start(
  server: ReturnType<typeof scriptedServer>,
  leaseSeconds: number,
  progress: () => RunProgress | undefined,
) {
  const events: string[] = [];
  const heartbeat = startHeartbeat({
    api: server.api,
    run: { runId: "r1", attempt: 1 },
    leaseSeconds,
    leaseGrantedAt: 0,
    progress,
    onCancelRequested: () => events.push("cancel"),
    onLeaseLost: (reason) => events.push(`lost: ${reason}`),
    log: () => {},
  });
  return { heartbeat, events };
}

describe("startHeartbeat", () => {
  it("beats every third of the lease with the latest progress", async () => {
    const server = scriptedServer([OK]);
    let epoch = 0;
    const { heartbeat } = start(server, 6, () => ({ stage: "train", epoch: ++epoch }));
    await vi.advanceTimersByTimeAsync(6_100);
    expect(server.received.map((beat) => beat.at)).toEqual([2_000, 4_000, 6_000]);
    expect(server.received.map((beat) => beat.progress?.epoch)).toEqual([1, 2, 3]);
    await heartbeat.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(server.received).toHaveLength(3);
  });

  it("beats at once when asked (a new stage began) and then keeps the regular interval", async () => {
    const server = scriptedServer([OK]);
    const { heartbeat } = start(server, 6, () => ({ stage: "sweep" }));
    await vi.advanceTimersByTimeAsync(500);
    heartbeat.beatSoon();
    await vi.advanceTimersByTimeAsync(2_600);
    expect(server.received.map((beat) => beat.at)).toEqual([500, 2_500]);
    await heartbeat.stop();
  });

  it("reports a cancel once, and keeps the lease while the run winds down", async () => {
    const server = scriptedServer([OK, { leaseExpiresAt: new Date(), cancelRequested: true }]);
    const { heartbeat, events } = start(server, 6, () => undefined);
    await vi.advanceTimersByTimeAsync(8_100);
    expect(events).toEqual(["cancel"]);
    expect(server.received).toHaveLength(4);
    await heartbeat.stop();
  });

  it("stops at once on a CONFLICT: the run is no longer this worker's", async () => {
    const conflict = new ServerCallError("conflict", "run r1 attempt 1 is no longer yours (its lease expired)", 409);
    const server = scriptedServer([OK, conflict]);
    const { heartbeat, events } = start(server, 6, () => undefined);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(events).toEqual(["lost: run r1 attempt 1 is no longer yours (its lease expired)"]);
    expect(server.received).toHaveLength(2);
    await heartbeat.stop();
  });

  it("retries beats the server did not get, and gives the run up after a whole lease without one", async () => {
    const offline = new ServerCallError("unreachable", "cannot reach the Deadweight server");
    const server = scriptedServer([OK, offline]);
    const { heartbeat, events } = start(server, 6, () => undefined);
    await vi.advanceTimersByTimeAsync(5_900);
    // Accepted at 2 s; failed at 4 s, then retried every second.
    expect(server.received.map((beat) => beat.at)).toEqual([2_000, 4_000, 5_000]);
    expect(events).toEqual([]);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(events).toHaveLength(1);
    expect(events).toEqual(["lost: no heartbeat reached the server for 6.0 s, longer than the 6 s lease"]);
    // Retries at 6 s and 7 s, and a last one at 8 s as the lease ran out.
    expect(server.received.map((beat) => beat.at)).toEqual([2_000, 4_000, 5_000, 6_000, 7_000, 8_000]);
    const beatsBeforeGivingUp = server.received.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(server.received).toHaveLength(beatsBeforeGivingUp);
    await heartbeat.stop();
  });
});
