import { describe, expect, it } from "vitest";
import { suggestedRow } from "../../src/sweep/suggested-row.js";

const row = (
  id: string,
  parameters: number,
  validationAccuracyDrop: number | null,
  status: "ok" | "emptied-layer" = "ok",
) => ({
  id,
  parameters,
  bytes: parameters * 4,
  validationAccuracyDrop,
  status,
});

describe("suggestedRow", () => {
  it("takes the fewest parameters within 0.5 validation points, never a row without a model", () => {
    const rows = [row("a", 1000, 0.1), row("b", 600, 0.5), row("c", 400, 0.51), row("d", 100, null, "emptied-layer")];
    expect(suggestedRow(rows, null)?.id).toBe("b");
    expect(suggestedRow(rows, { verdict: "learned" })?.id).toBe("b");
    // Too little validation data to judge the base model is said, not held against the rows.
    expect(suggestedRow(rows, { verdict: "cannot-tell" })?.id).toBe("b");
  });

  it("is null when every row loses more than 0.5 points", () => {
    expect(suggestedRow([row("a", 10, 2), row("b", 5, 0.6)], null)).toBeNull();
  });

  it("suggests nothing from a base model that did not learn, however small and faithful its rows", () => {
    const rows = [row("a", 1000, 0), row("b", 100, -3)];
    expect(suggestedRow(rows, { verdict: "did-not-learn" })).toBeNull();
  });

  it("admits a drop of exactly 0.5 points stored with floating-point noise, as the timeline's rule does", () => {
    expect(suggestedRow([row("a", 1000, 0), row("noisy", 400, 0.5000000000000004)], null)?.id).toBe("noisy");
  });
});
