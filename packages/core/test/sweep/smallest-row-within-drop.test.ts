import { describe, expect, it } from "vitest";
import { smallestRowWithinDrop, validationDropStandardError } from "../../src/sweep/smallest-row-within-drop.js";

const row = (
  id: string,
  bytes: number,
  validationAccuracyDrop: number | null,
  extra: { parameters?: number; validationAccuracy?: number; status?: "ok" | "emptied-layer" } = {},
) => ({
  id,
  bytes,
  parameters: extra.parameters ?? bytes / 4,
  validationAccuracy:
    extra.validationAccuracy ?? (validationAccuracyDrop === null ? null : 0.98 - validationAccuracyDrop / 100),
  validationAccuracyDrop,
  status: extra.status ?? "ok",
});

const byBytes = (maxDropPoints: number) => ({ maxDropPoints, sizeAxis: "bytes" as const });
const byParameters = (maxDropPoints: number) => ({ maxDropPoints, sizeAxis: "parameters" as const });

describe("smallestRowWithinDrop", () => {
  it("takes the fewest bytes within the drop, never a row without a model or over the limit", () => {
    const rows = [
      row("big", 4000, 0.1),
      row("edge", 2000, 0.5),
      row("too-lossy", 800, 0.51),
      row("emptied", 0, null, { status: "emptied-layer" }),
    ];
    expect(smallestRowWithinDrop(rows, byBytes(0.5))).toEqual({ kind: "within-drop", row: rows[1] });
    // A looser limit admits the smaller, lossier row.
    expect(smallestRowWithinDrop(rows, byBytes(1))).toEqual({ kind: "within-drop", row: rows[2] });
    // A drop of exactly the limit stored with floating-point noise is still within it.
    expect(smallestRowWithinDrop([row("noisy", 100, 0.5000000000000004)], byBytes(0.5)).kind).toBe("within-drop");
  });

  it("counts a pruned model better than its base (a negative drop) as within any limit", () => {
    const rows = [row("better", 1000, -0.3), row("worse", 3000, 0.2)];
    expect(smallestRowWithinDrop(rows, byBytes(0))).toEqual({ kind: "within-drop", row: rows[0] });
  });

  it("breaks ties on bytes by parameters, then validation accuracy, then id, whatever the order", () => {
    const rows = [
      row("b", 1000, 0.2, { parameters: 250, validationAccuracy: 0.97 }),
      row("a", 1000, 0.2, { parameters: 250, validationAccuracy: 0.97 }),
      row("more-accurate", 1000, 0.1, { parameters: 250, validationAccuracy: 0.978 }),
      row("fewer-params", 1000, 0.3, { parameters: 240, validationAccuracy: 0.96 }),
    ];
    const pick = (order: typeof rows) => {
      const answer = smallestRowWithinDrop(order, byBytes(0.5));
      return answer.kind === "within-drop" ? answer.row.id : answer.kind;
    };
    expect(pick(rows)).toBe("fewer-params");
    expect(pick(rows.slice(0, 3))).toBe("more-accurate");
    expect(pick(rows.slice(0, 2))).toBe("a");
    expect(pick([...rows.slice(0, 2)].reverse())).toBe("a");
  });

  it("says how close a run came when every row lost more than the limit", () => {
    expect(smallestRowWithinDrop([row("a", 10, 2), row("b", 5, 0.75)], byBytes(0.5))).toEqual({
      kind: "none-within-drop",
      smallestDropPoints: 0.75,
    });
  });

  it("says when a run has no measured row at all", () => {
    expect(smallestRowWithinDrop([], byBytes(0.5))).toEqual({ kind: "no-measured-rows" });
    expect(smallestRowWithinDrop([row("emptied", 0, null, { status: "emptied-layer" })], byBytes(0.5))).toEqual({
      kind: "no-measured-rows",
    });
  });

  it("refuses a limit that is not a number of points", () => {
    expect(() => smallestRowWithinDrop([row("a", 10, 0)], byBytes(Number.NaN))).toThrow(
      /maxDropPoints must be a finite number/,
    );
  });

  it("measures size on the axis asked for: fewest bytes or fewest parameters, the other axis breaking ties", () => {
    // Bytes and parameters disagree when rows are stored at different precisions.
    const rows = [
      row("small-file", 1000, 0.2, { parameters: 500 }),
      row("few-params", 1600, 0.2, { parameters: 400 }),
      row("few-params-bigger-file", 2000, 0.2, { parameters: 400 }),
      row("fewest-but-lossy", 100, 0.6, { parameters: 50 }),
    ];
    const pick = (answer: ReturnType<typeof smallestRowWithinDrop<(typeof rows)[number]>>) =>
      answer.kind === "within-drop" ? answer.row.id : answer.kind;
    expect(pick(smallestRowWithinDrop(rows, byBytes(0.5)))).toBe("small-file");
    expect(pick(smallestRowWithinDrop(rows, byParameters(0.5)))).toBe("few-params");
    expect(pick(smallestRowWithinDrop([...rows].reverse(), byParameters(0.5)))).toBe("few-params");
    expect(pick(smallestRowWithinDrop(rows, byParameters(1)))).toBe("fewest-but-lossy");
    expect(smallestRowWithinDrop(rows, byParameters(0.1))).toEqual({
      kind: "none-within-drop",
      smallestDropPoints: 0.2,
    });
  });

  it("keeps the given order between rows without ids that tie on everything", () => {
    const first = { status: "ok" as const, bytes: 100, parameters: 25, validationAccuracyDrop: 0.1 };
    const second = { ...first };
    const answer = smallestRowWithinDrop([first, second], byParameters(0.5));
    expect(answer.kind === "within-drop" && answer.row).toBe(first);
  });

  it("refuses an axis it does not know", () => {
    expect(() => smallestRowWithinDrop([row("a", 10, 0)], { maxDropPoints: 0.5, sizeAxis: "flops" as never })).toThrow(
      /sizeAxis must be one of bytes, parameters, got flops/,
    );
  });

  describe("with a margin for validation noise", () => {
    // Base validation accuracy 0.98 on 10,000 samples; a row's accuracy is 0.98 - drop / 100.
    const margin = (standardErrors: number) => ({
      ...byBytes(0.5),
      noiseMargin: { validationSamples: 10_000, baseValidationAccuracy: 0.98, standardErrors },
    });

    it("bounds a drop's standard error by the two error rates: sqrt((0.02 + 0.02) / 10,000) = 0.2 points", () => {
      expect(validationDropStandardError(0.98, 0.98, 10_000)).toBeCloseTo(0.2, 12);
      // 0.3 points lower: sqrt((0.02 + 0.023) / 10,000) = 0.20736 points.
      expect(validationDropStandardError(0.98, 0.977, 10_000)).toBeCloseTo(0.207364, 6);
      // Four times the samples, half the error.
      expect(validationDropStandardError(0.98, 0.98, 40_000)).toBeCloseTo(0.1, 12);
    });

    it("takes a row only if its drop plus the margin is within the limit", () => {
      const rows = [row("safe", 3000, 0), row("close", 2500, 0.25), row("edge", 2000, 0.3)];
      // Plain: the edge row (0.3 <= 0.5). With one standard error: 0.3 + 0.207 > 0.5, but 0.25 + 0.206 is not.
      expect(smallestRowWithinDrop(rows, byBytes(0.5))).toEqual({ kind: "within-drop", row: rows[2] });
      expect(smallestRowWithinDrop(rows, margin(1))).toEqual({ kind: "within-drop", row: rows[1] });
      // Two standard errors leave only the row that lost nothing (0 + 0.4).
      expect(smallestRowWithinDrop(rows, margin(2))).toEqual({ kind: "within-drop", row: rows[0] });
      // Zero standard errors is the plain rule.
      expect(smallestRowWithinDrop(rows, margin(0))).toEqual({ kind: "within-drop", row: rows[2] });
      // Three: none, and how close the rows came is still their plain drop.
      expect(smallestRowWithinDrop(rows, margin(3))).toEqual({ kind: "none-within-drop", smallestDropPoints: 0 });
    });

    it("never takes a row whose validation accuracy is unknown, since its noise is", () => {
      const unknown = { status: "ok" as const, bytes: 10, parameters: 3, validationAccuracyDrop: 0 };
      const known = row("known", 3000, 0);
      const answer = smallestRowWithinDrop([unknown, known], margin(1));
      expect(answer.kind === "within-drop" && answer.row).toBe(known);
    });

    it("refuses a margin that is not one", () => {
      const with_ = (noiseMargin: object) => () =>
        smallestRowWithinDrop([row("a", 10, 0)], { ...byBytes(0.5), noiseMargin: noiseMargin as never });
      const valid = { validationSamples: 100, baseValidationAccuracy: 0.9, standardErrors: 1 };
      expect(with_({ ...valid, validationSamples: 0 })).toThrow(/validationSamples must be a whole number/);
      expect(with_({ ...valid, validationSamples: 10.5 })).toThrow(/validationSamples must be a whole number/);
      expect(with_({ ...valid, baseValidationAccuracy: 97 })).toThrow(/a fraction between 0 and 1, got 97/);
      expect(with_({ ...valid, standardErrors: -1 })).toThrow(/0 or more, got -1/);
      expect(with_({ ...valid, standardErrors: Number.NaN })).toThrow(/0 or more, got NaN/);
    });
  });
});
