import { describe, expect, it } from "vitest";
import { type SeedRow, type SeedRun, seedSpread } from "../../src/seeds/seed-spread.js";
import { smallestRowWithinWorstSeedDrop, withinWorstSeedDrop } from "../../src/seeds/worst-seed-limit.js";

// Accuracies are multiples of 1/8 and 1/4 and sizes small integers, so every mean below is exact in
// binary floating point: the expectations use toEqual with no tolerance.
const row = (
  rowKey: string,
  validationAccuracy: number,
  testAccuracy: number,
  parameters: number,
  extra: { base?: number; status?: SeedRow["status"] } = {},
): SeedRow => {
  const base = extra.base ?? 1;
  return {
    rowKey,
    status: extra.status ?? "ok",
    parameters,
    bytes: parameters * 4,
    validationAccuracy,
    testAccuracy,
    validationAccuracyDrop: 100 * (base - validationAccuracy),
    testAccuracyDrop: 100 * (base - testAccuracy),
  };
};

const runs: SeedRun[] = [
  { runId: "run-a", seed: 7, rows: [row("mean0-std0", 1, 1, 100), row("mean0.1-std0.4", 0.75, 0.5, 40)] },
  // Its base is 0.875 on both sets, so its drops are measured against 0.875, not against seed 7's base.
  {
    runId: "run-b",
    seed: 3,
    rows: [
      row("mean0-std0", 0.875, 0.875, 100, { base: 0.875 }),
      row("mean0.1-std0.4", 0.5, 0.75, 60, { base: 0.875 }),
    ],
  },
];

describe("seedSpread", () => {
  it("gives each row key's mean, min and max across seeds, drops against each run's own base", () => {
    const [unpruned, pruned] = seedSpread(runs);
    expect(unpruned).toMatchObject({
      rowKey: "mean0-std0",
      seeds: 2,
      missingSeeds: [],
      complete: true,
      testAccuracy: { mean: 0.9375, min: 0.875, max: 1 },
      // Both runs lose nothing against their own base.
      testAccuracyDrop: { mean: 0, min: 0, max: 0 },
      parameters: { mean: 100, min: 100, max: 100 },
    });
    expect(pruned).toEqual({
      rowKey: "mean0.1-std0.4",
      seeds: 2,
      missingSeeds: [],
      complete: true,
      validationAccuracy: { mean: 0.625, min: 0.5, max: 0.75 },
      testAccuracy: { mean: 0.625, min: 0.5, max: 0.75 },
      // Seed 7: 100 * (1 - 0.75) = 25; seed 3: 100 * (0.875 - 0.5) = 37.5.
      validationAccuracyDrop: { mean: 31.25, min: 25, max: 37.5 },
      // Seed 7: 100 * (1 - 0.5) = 50; seed 3: 100 * (0.875 - 0.75) = 12.5.
      testAccuracyDrop: { mean: 31.25, min: 12.5, max: 50 },
      parameters: { mean: 50, min: 40, max: 60 },
      bytes: { mean: 200, min: 160, max: 240 },
      // Worst on test is seed 7, worst on validation seed 3: the two are reported apart.
      worstTestSeed: { seed: 7, runId: "run-a", accuracy: 0.5 },
      worstValidationSeed: { seed: 3, runId: "run-b", accuracy: 0.5 },
    });
  });

  it("reports a row missing from some seeds with its count and the seeds lacking it, not as complete", () => {
    const partial: SeedRun[] = [
      { runId: "run-a", seed: 1, rows: [row("round-1", 0.75, 0.75, 40), row("round-2", 0.5, 0.5, 20)] },
      { runId: "run-b", seed: 2, rows: [row("round-1", 0.5, 0.5, 60)] },
      // Emptied a layer: the row exists but has no model, so it counts as missing too.
      {
        runId: "run-c",
        seed: 3,
        rows: [row("round-1", 0.25, 0.25, 20), { ...row("round-2", 0, 0, 0), status: "emptied-layer" }],
      },
    ];
    const [first, second] = seedSpread(partial);
    expect(first).toMatchObject({ rowKey: "round-1", seeds: 3, complete: true, testAccuracy: { mean: 0.5 } });
    expect(second).toMatchObject({
      rowKey: "round-2",
      seeds: 1,
      missingSeeds: [2, 3],
      complete: false,
      // The one seed that has it, not (0.5 + 0 + 0) / 3.
      testAccuracy: { mean: 0.5, min: 0.5, max: 0.5 },
    });
  });

  it("keeps the sweep's order and leaves out keys no seed measured", () => {
    const unmeasured: SeedRun[] = [
      { runId: "r1", seed: 1, rows: [row("b", 1, 1, 10), { ...row("gone", 0, 0, 0), status: "emptied-layer" }] },
      { runId: "r2", seed: 2, rows: [row("a", 1, 1, 10), row("b", 1, 1, 10)] },
    ];
    expect(seedSpread(unmeasured).map((spread) => spread.rowKey)).toEqual(["b", "a"]);
    expect(seedSpread([])).toEqual([]);
  });

  it("breaks a tie for the worst seed by the smaller seed, whatever the run order", () => {
    const tied: SeedRun[] = [
      { runId: "r9", seed: 9, rows: [row("k", 0.5, 0.5, 10)] },
      { runId: "r4", seed: 4, rows: [row("k", 0.5, 0.5, 10)] },
    ];
    expect(seedSpread(tied)[0]?.worstTestSeed.seed).toBe(4);
    expect(seedSpread([...tied].reverse())[0]?.worstTestSeed.seed).toBe(4);
  });

  it("refuses two runs with one seed, or a run repeating a row key, naming them", () => {
    expect(() => seedSpread([runs[0] as SeedRun, { ...(runs[1] as SeedRun), seed: 7 }])).toThrow(
      /seed 7 appears in more than one run \(run run-b\)/,
    );
    expect(() => seedSpread([{ runId: "r", seed: 1, rows: [row("k", 1, 1, 1), row("k", 1, 1, 1)] }])).toThrow(
      /run r \(seed 1\) has row "k" twice/,
    );
  });
});

describe("worst-seed limit", () => {
  const spread = seedSpread(runs);

  it("admits a row only when every seed's validation drop is within the limit", () => {
    const pruned = spread[1];
    if (pruned === undefined) throw new Error("expected the pruned row");
    // Worst seed drops 37.5 validation points (the mean is 31.25: the mean alone would admit it at 32).
    expect(withinWorstSeedDrop(pruned, 37.5)).toBe(true);
    expect(withinWorstSeedDrop(pruned, 32)).toBe(false);
  });

  it("picks the smallest row within the limit, or null when none holds on every seed", () => {
    expect(smallestRowWithinWorstSeedDrop(spread, 40)?.rowKey).toBe("mean0.1-std0.4");
    expect(smallestRowWithinWorstSeedDrop(spread, 10)?.rowKey).toBe("mean0-std0");
    expect(smallestRowWithinWorstSeedDrop(spread, -1)).toBeNull();
  });

  it("never admits a row some seed lacks, however small its drops", () => {
    const [, onlyOneSeed] = seedSpread([
      { runId: "r1", seed: 1, rows: [row("a", 1, 1, 10), row("b", 1, 1, 5)] },
      { runId: "r2", seed: 2, rows: [row("a", 1, 1, 10)] },
    ]);
    if (onlyOneSeed === undefined) throw new Error("expected row b");
    expect(withinWorstSeedDrop(onlyOneSeed, 100)).toBe(false);
  });

  it("refuses a limit that is not a finite number", () => {
    expect(() => smallestRowWithinWorstSeedDrop(spread, Number.NaN)).toThrow(
      /maxWorstSeedDropPoints must be a finite number of percentage points, got NaN/,
    );
  });
});
