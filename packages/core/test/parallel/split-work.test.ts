import { thrownDeadweightError as thrown } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import { splitIntoRanges, splitSampleRanges } from "../../src/parallel/split-work.js";

describe("splitIntoRanges", () => {
  it("shares 30 thresholds among 2 and 4 threads in consecutive ranges, earlier ones larger by at most one", () => {
    expect(splitIntoRanges(30, 2)).toEqual([
      { from: 0, to: 15 },
      { from: 15, to: 30 },
    ]);
    expect(splitIntoRanges(30, 4)).toEqual([
      { from: 0, to: 8 },
      { from: 8, to: 16 },
      { from: 16, to: 23 },
      { from: 23, to: 30 },
    ]);
  });

  it("never makes an empty range: fewer items than threads use fewer threads, no items none", () => {
    expect(splitIntoRanges(2, 4)).toEqual([
      { from: 0, to: 1 },
      { from: 1, to: 2 },
    ]);
    expect(splitIntoRanges(0, 3)).toEqual([]);
  });

  it("refuses a thread count that is not a positive integer, naming it", () => {
    expect(thrown(() => splitIntoRanges(5, 0))).toMatchObject({
      code: "INVALID_OPTION",
      message: "threads must be a positive integer, got 0",
    });
    expect(thrown(() => splitIntoRanges(5, 1.5)).code).toBe("INVALID_OPTION");
  });
});

describe("splitSampleRanges", () => {
  it("cuts only at chunk boundaries: 10,000 samples in chunks of 2048 (5 chunks) over 2 threads", () => {
    expect(splitSampleRanges(10_000, 2048, 2)).toEqual([
      { from: 0, to: 6144 },
      { from: 6144, to: 10_000 },
    ]);
  });

  it("gives the short last chunk to the last range and uses one range when there is one chunk", () => {
    expect(splitSampleRanges(6, 2, 2)).toEqual([
      { from: 0, to: 4 },
      { from: 4, to: 6 },
    ]);
    expect(splitSampleRanges(5, 2048, 4)).toEqual([{ from: 0, to: 5 }]);
  });

  it("refuses a chunk size that is not a positive integer", () => {
    expect(thrown(() => splitSampleRanges(10, 0, 2))).toMatchObject({
      code: "INVALID_OPTION",
      message: "chunkSize must be a positive integer, got 0",
    });
  });
});
