import { describe, expect, it } from "vitest";
import { timelineEntries } from "../src/components/history/timeline-entries";
import { tooltipOf } from "../src/components/history/timeline-tooltip";
import type { TradeOffTimeline } from "../src/lib/router-outputs";

const row = {
  resultRowId: "row-1",
  runId: "run-1",
  rowKey: "mean0.1-std0.4",
  experimentId: "exp-1",
  experimentName: "wide <mlp>",
  bytes: 16_000,
  parameters: 4_000,
  validationAccuracy: 0.946,
  testAccuracy: 0.935,
  validationAccuracyDrop: 0.4,
  testAccuracyDrop: 0.5,
};

describe("the trade-off history's tooltip", () => {
  it("names the run, row, person and note, with the numbers", () => {
    const html = tooltipOf({
      title: "edge moved",
      row,
      at: "2026-02-10T09:00:00.000Z",
      actor: "Mo Member",
      note: "smaller at the same accuracy",
    });
    expect(html.split("<br/>")).toEqual([
      expect.stringMatching(/^<b>edge moved<\/b> · \d\d? Feb 2026, \d\d:\d\d$/),
      "wide &#60;mlp&#62;: row mean0.1-std0.4 (run run-1)",
      "15.6 KB · 4,000 parameters",
      "validation 94.60% · test 93.50%",
      "by Mo Member",
      "“smaller at the same accuracy”",
    ]);
  });

  it("leaves out the person and note of a landed run, and is empty for a line's unlabelled end", () => {
    expect(tooltipOf({ title: "run landed", row, at: "2026-02-10T09:00:00.000Z" })).not.toMatch(/by |“/);
    expect(tooltipOf(null)).toBe("");
  });
});

describe("the trade-off history's table order", () => {
  it("interleaves alias changes and landed runs by time, a run first when they share an instant", () => {
    const step = (eventId: string, at: string) => ({
      eventId,
      at,
      action: "promoted" as const,
      row,
      actor: { id: "u", name: "Mo" },
      note: "n",
    });
    const run = (runId: string, finishedAt: string) => ({
      runId,
      experimentId: "exp-1",
      experimentName: "wide",
      seed: 1,
      finishedAt,
      measuredRows: 1,
      offered: { kind: "no-measured-rows" as const },
    });
    const timeline: TradeOffTimeline = {
      maxValidationDropPoints: 0.5,
      aliases: [
        { alias: "edge", assigned: true, steps: [step("e1", "2026-01-02T00:00:00.000Z")] },
        { alias: "prod", assigned: true, steps: [step("p1", "2026-01-01T00:00:00.000Z")] },
      ],
      landedRuns: [run("r1", "2026-01-01T00:00:00.000Z"), run("r2", "2026-01-03T00:00:00.000Z")],
      eventsTruncated: false,
      runsTruncated: false,
      limits: { events: 500, runs: 200 },
    };
    expect(
      timelineEntries(timeline).map((entry) => (entry.kind === "run" ? entry.run.runId : entry.step.eventId)),
    ).toEqual(["r1", "p1", "e1", "r2"]);
  });
});
