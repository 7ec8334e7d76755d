import { describe, expect, it } from "vitest";
import { LiveRuns } from "../src/domain/live/live-runs.js";
import type { RunDetails } from "../src/domain/runs/get-run.js";
import { createLocalChangeFeed } from "../src/store/store-changes.js";

// The hub behind run.watch and project.watch, without a database: a reader that counts its reads
// and answers when the test says, so coalescing can be seen exactly.

function countingReader() {
  const pending: Array<{ runId: string; answer: (details: RunDetails) => void }> = [];
  let reads = 0;
  return {
    read: (runId: string) =>
      new Promise<RunDetails | null>((resolve) => {
        reads += 1;
        pending.push({ runId, answer: resolve });
      }),
    get reads() {
      return reads;
    },
    /** Answers the oldest read still waiting, as the run at `version`. */
    answer(version: number) {
      const next = pending.shift();
      if (next === undefined) throw new Error("no read is waiting");
      next.answer({ id: next.runId, stage: `v${version}` } as RunDetails);
    },
    get waiting() {
      return pending.length;
    },
  };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("LiveRuns", () => {
  it("reads a changed run once for all its watchers, and once more for changes during that read", async () => {
    const changes = createLocalChangeFeed();
    const reader = countingReader();
    const live = new LiveRuns(changes, reader.read);
    const seen: string[][] = Array.from({ length: 50 }, () => []);
    const stops = seen.map((log) => live.watchRun("run-1", "project-1", (details) => log.push(details.stage ?? "")));
    expect(live.watchers.runs).toBe(50);

    changes.publish({ kind: "run-updated", runId: "run-1", projectId: "project-1" });
    // Three more changes while the first read is under way: one more read, not three.
    changes.publish({ kind: "run-updated", runId: "run-1", projectId: "project-1" });
    changes.publish({ kind: "run-results", runId: "run-1" });
    changes.publish({ kind: "run-updated", runId: "run-1", projectId: "project-1" });
    expect(reader.reads).toBe(1);
    reader.answer(1);
    await settle();
    expect(reader.reads).toBe(2);
    reader.answer(2);
    await settle();
    expect(reader.waiting).toBe(0);
    for (const log of seen) expect(log).toEqual(["v1", "v2"]);

    // Changes to runs nobody watches are not read at all.
    changes.publish({ kind: "run-updated", runId: "run-2", projectId: "project-1" });
    expect(reader.reads).toBe(2);
    for (const stop of stops) stop();
    expect(live.watchers.runs).toBe(0);
    changes.publish({ kind: "run-updated", runId: "run-1", projectId: "project-1" });
    expect(reader.reads).toBe(2);
    live.close();
  });

  it("tells a project's watchers which runs changed, and everything after a resync", () => {
    const changes = createLocalChangeFeed();
    const live = new LiveRuns(changes, async () => null);
    const heard: unknown[] = [];
    const other: unknown[] = [];
    live.watchProject("project-1", (update) => heard.push(update));
    live.watchProject("project-2", (update) => other.push(update));
    changes.publish({ kind: "run-updated", runId: "run-1", projectId: "project-1" });
    changes.publish({ kind: "run-results", runId: "run-1" });
    changes.publish({ kind: "resync" });
    expect(heard).toEqual([{ runIds: ["run-1"] }, { everything: true }]);
    expect(other).toEqual([{ everything: true }]);
    live.close();
  });

  it("keeps serving after a failed read: the failure is logged and the next change is read", async () => {
    const changes = createLocalChangeFeed();
    const errors: string[] = [];
    let fail = true;
    const live = new LiveRuns(
      changes,
      async (runId) => {
        if (fail) throw new Error("database gone");
        return { id: runId, stage: "ok" } as RunDetails;
      },
      (message) => errors.push(message),
    );
    const seen: string[] = [];
    live.watchRun("run-1", "project-1", (details) => seen.push(details.stage ?? ""));
    changes.publish({ kind: "run-updated", runId: "run-1", projectId: "project-1" });
    await settle();
    expect(errors).toEqual([expect.stringContaining("reading run run-1 failed")]);
    fail = false;
    changes.publish({ kind: "run-updated", runId: "run-1", projectId: "project-1" });
    await settle();
    expect(seen).toEqual(["ok"]);
    live.close();
  });
});
