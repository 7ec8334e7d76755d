import type { ClaimedRun } from "@deadweight/protocol";
import { describe, expect, it } from "vitest";
import type { StageContext } from "../src/pipeline/stage-context.js";
import type { ToRun } from "../src/run-host/run-host-protocol.js";
import type { RunSide, RunSideListener } from "../src/run-host/run-side.js";
import { warmRunHost } from "../src/run-host/warm-run-host.js";

// warmRunHost with sides this test drives by hand: when a side that waits is given the next run,
// and when it is ended instead.

/** A side that records what it was sent; the test answers for it. */
interface FakeSide extends RunSide {
  readonly sent: ToRun[];
  ended: boolean;
  /** Set dying (a thread's uncaught error, a process's "crashed") without exiting yet. */
  dyingNow: boolean;
}

function fakeSide(): FakeSide {
  let resolveExit = () => {};
  const exit = new Promise<void>((resolve) => {
    resolveExit = resolve;
  });
  const side: FakeSide = {
    kind: "thread",
    sent: [],
    ended: false,
    dyingNow: false,
    listener: null as RunSideListener | null,
    send(message) {
      side.sent.push(message);
    },
    beginRun() {},
    ref() {},
    unref() {},
    get dying() {
      return side.ended || side.dyingNow;
    },
    async end() {
      side.ended = true;
      resolveExit();
      await exit;
    },
    exit,
  };
  return side;
}

function contextOf(runId: string, log: string[] = []): StageContext {
  return {
    api: {} as StageContext["api"],
    run: { id: runId, attempt: 1 } as unknown as ClaimedRun,
    signal: new AbortController().signal,
    progress: { set: () => {}, resumedAt: () => {} },
    settings: { maxMemoryBytes: 2 ** 30 },
    log: (line) => log.push(line),
  };
}

function hostOf() {
  const sides: FakeSide[] = [];
  const host = warmRunHost({
    connection: { serverUrls: ["http://127.0.0.1:9"], token: "t" },
    keepWarmMs: 60_000,
    open: () => {
      const side = fakeSide();
      sides.push(side);
      return side;
    },
  });
  return { host, sides };
}

/** Starts `runId` on the host and has its side answer `end` (completed, or with an error). */
async function runToEnd(host: ReturnType<typeof hostOf>["host"], sides: FakeSide[], runId: string, failed = false) {
  const log: string[] = [];
  const execution = host.start(contextOf(runId, log));
  const side = sides.find((one) => one.listener !== null) as FakeSide;
  side.listener?.onMessage(
    failed ? { type: "end", error: { type: "error", name: "Error", message: "no" } } : { type: "end" },
  );
  await execution.done.catch(() => {});
  await execution.dispose();
  return { side, log };
}

describe("warmRunHost", () => {
  it("gives the next run the side the last one completed in, and says so", async () => {
    const { host, sides } = hostOf();
    const first = await runToEnd(host, sides, "a");
    const second = await runToEnd(host, sides, "b");
    expect(second.side).toBe(first.side);
    expect(sides).toHaveLength(1);
    expect(second.log).toEqual(["run b: in a warm thread (1 run(s) before it)"]);
    expect(first.side.sent.map((message) => message.type)).toEqual(["start", "start"]);
    await host.close();
    expect(first.side.ended).toBe(true);
  });

  it("never gives a run to a side that is dying while it waits (its crash came, its exit not yet)", async () => {
    const { host, sides } = hostOf();
    const first = await runToEnd(host, sides, "a");
    first.side.dyingNow = true;
    const second = await runToEnd(host, sides, "b");
    expect(second.side).not.toBe(first.side);
    expect(first.side.ended).toBe(true);
    expect(first.side.sent.map((message) => message.type)).toEqual(["start"]);
    await host.close();
  });

  it("ends a side whose run died, even when an end message follows the death", async () => {
    const { host, sides } = hostOf();
    const execution = host.start(contextOf("a"));
    const side = sides[0] as FakeSide;
    side.listener?.died("crashed: boom");
    side.listener?.onMessage({ type: "end" });
    await expect(execution.done).rejects.toThrow("the run's thread crashed: boom");
    await execution.dispose();
    expect(side.ended).toBe(true);
    await runToEnd(host, sides, "b");
    expect(sides).toHaveLength(2);
    await host.close();
  });

  it("ends a side whose run failed", async () => {
    const { host, sides } = hostOf();
    const { side } = await runToEnd(host, sides, "a", true);
    expect(side.ended).toBe(true);
    await host.close();
  });
});
