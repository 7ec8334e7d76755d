import { describe, expect, it } from "vitest";
import { mergeProjectChanges, runTableReads } from "../../src/server/run-table-reads.js";

describe("runTableReads", () => {
  const table = new Set(["run-a", "run-b"]);

  it("reads the whole table before its first read and after 'everything' (a reconnection may have missed changes)", () => {
    expect(runTableReads({ runIds: [] }, null)).toEqual({ kind: "whole table" });
    expect(runTableReads({ runIds: ["run-a"] }, null)).toEqual({ kind: "whole table" });
    expect(runTableReads({ everything: true }, table)).toEqual({ kind: "whole table" });
  });

  it("reads only the changed runs the table holds, without the list", () => {
    expect(runTableReads({ runIds: ["run-b", "run-b"] }, table)).toEqual({
      kind: "runs",
      runIds: ["run-b"],
      listFirst: false,
    });
    expect(runTableReads({ runIds: [] }, table)).toEqual({ kind: "runs", runIds: [], listFirst: false });
  });

  it("reads the list first when a changed run is not in the table (new, or outside its scope)", () => {
    expect(runTableReads({ runIds: ["run-a", "run-new"] }, table)).toEqual({
      kind: "runs",
      runIds: ["run-a", "run-new"],
      listFirst: true,
    });
  });
});

describe("mergeProjectChanges", () => {
  it("unites the changed runs, and 'everything' wins", () => {
    expect(mergeProjectChanges({ runIds: ["a", "b"] }, { runIds: ["b", "c"] })).toEqual({ runIds: ["a", "b", "c"] });
    expect(mergeProjectChanges({ runIds: ["a"] }, { everything: true })).toEqual({ everything: true });
    expect(mergeProjectChanges({ everything: true }, { runIds: ["a"] })).toEqual({ everything: true });
  });
});
