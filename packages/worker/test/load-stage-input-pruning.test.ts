import { DeadweightError } from "@deadweight/core";
import { describe, expect, it } from "vitest";
import { ProgressBoard } from "../src/pipeline/progress-board.js";
import type { StageContext } from "../src/pipeline/stage-context.js";
import { loadStage } from "../src/pipeline/stages/load-stage.js";

// The worker's stages do not prune inputs yet: a run asking for it fails at load, before any data is
// read or any network trained, instead of silently keeping every input.

describe("loadStage with pruning.inputStdThreshold", () => {
  it("refuses the run, naming the field and where input pruning does run", async () => {
    const requested: string[] = [];
    const context = {
      api: new Proxy({}, { get: (_, name) => () => requested.push(String(name)) }),
      run: {
        id: "run_inputs",
        attempt: 1,
        experimentName: "inputs",
        config: { pruning: { inputStdThreshold: 0 } },
        seed: 1,
      },
      signal: new AbortController().signal,
      progress: new ProgressBoard(),
      settings: { maxMemoryBytes: 2 ** 30 },
      log: () => {},
    } as unknown as StageContext;
    const error = await loadStage(context).then(
      () => expect.fail("the run was accepted"),
      (reason: unknown) => reason as DeadweightError,
    );
    expect(error).toBeInstanceOf(DeadweightError);
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain("pruning.inputStdThreshold is 0");
    expect(error.message).toContain("deadweight prune");
    expect(requested).toEqual([]);
  });
});
