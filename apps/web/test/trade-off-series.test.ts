import { describe, expect, it } from "vitest";
import { roundNumber, tradeOffSeriesRows } from "../src/components/run/trade-off-series";

describe("trade-off series rows", () => {
  it("puts round-N rows in their own series, in round order (round-10 after round-9), and the rest in the thresholds'", () => {
    // Stored rows: the sweep's id is rowKey (id is the database's).
    const rows = [
      { rowKey: "keep0.5-std" },
      { rowKey: "round-10" },
      { rowKey: "round-2" },
      { rowKey: "mean0.1-std0.4" },
      { rowKey: "round-9" },
      { rowKey: "round-1" },
    ];
    const split = tradeOffSeriesRows(rows);
    expect(split.thresholds.map((row) => row.rowKey)).toEqual(["keep0.5-std", "mean0.1-std0.4"]);
    expect(split.rounds.map((row) => row.rowKey)).toEqual(["round-1", "round-2", "round-9", "round-10"]);
  });

  it("leaves a run without a schedule as thresholds only, and does not take ids that merely start with round", () => {
    const split = tradeOffSeriesRows([{ rowKey: "keep1-std" }, { rowKey: "round-up" }, { rowKey: "rounds-3" }]);
    expect(split.rounds).toEqual([]);
    expect(split.thresholds.map((row) => row.rowKey)).toEqual(["keep1-std", "round-up", "rounds-3"]);
    expect(roundNumber("round-12")).toBe(12);
  });
});
