import { MAX_MEASURED_CANDIDATES, measuredCandidates, type SweepRow } from "@deadweight/core";
import { describe, expect, it } from "vitest";

const row = (id: string, parameters: number, pareto: boolean, status: SweepRow["status"] = "ok") =>
  ({ id, parameters, pareto, status }) as SweepRow;

describe("the deploy stage's candidates", () => {
  it("are the Pareto rows with a model, plus the suggested row, smallest first", () => {
    const suggested = row("s", 50, false);
    const rows = [
      row("a", 300, true),
      row("b", 100, true),
      row("gone", 10, true, "emptied-layer"),
      suggested,
      row("c", 70, false),
    ];
    expect(measuredCandidates(rows, suggested).map((entry) => entry.id)).toEqual(["s", "b", "a"]);
  });

  it("are thinned evenly over the frontier's sizes past the cap, keeping both ends and the suggestion", () => {
    const frontier = Array.from({ length: 100 }, (_, i) => row(`r${i}`, (i + 1) * 10, true));
    const suggested = frontier[41]!;
    const picked = measuredCandidates(frontier, suggested).map((entry) => entry.id);
    expect(picked.length).toBeLessThanOrEqual(MAX_MEASURED_CANDIDATES + 1);
    expect(picked[0]).toBe("r0");
    expect(picked.at(-1)).toBe("r99");
    expect(picked).toContain("r41");
  });
});
