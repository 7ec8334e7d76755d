import { describe, expect, it } from "vitest";
import { staleRunViews } from "../src/components/live/stale-run-views";

// Which of the run page's queries a pushed run update makes it refetch: only what the change concerns.
const running = {
  status: "running" as const,
  resultRowCount: 0,
  completedStages: ["load"],
  deployment: null,
};

describe("staleRunViews", () => {
  it("refetches nothing for a progress report (same status, stages, rows and deployment)", () => {
    expect(staleRunViews(running, { ...running })).toEqual([]);
  });

  it("refetches the statistics and artifacts when a stage finished, the rows when rows were stored", () => {
    expect(staleRunViews(running, { ...running, completedStages: ["load", "train"] })).toEqual([
      "result.layerStats",
      "artifact.list",
    ]);
    expect(staleRunViews(running, { ...running, resultRowCount: 12 })).toEqual(["result.rows"]);
  });

  it("refetches the rows and artifacts when the deployment changed, and everything when the status did", () => {
    const deployed = { ...running, deployment: { note: "fits" } as never };
    expect(staleRunViews(running, deployed)).toEqual(["result.rows", "artifact.list"]);
    expect(staleRunViews(running, { ...running, status: "succeeded" as never })).toEqual([
      "result.rows",
      "result.layerStats",
      "artifact.list",
    ]);
  });
});
