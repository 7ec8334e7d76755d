import { thrownDeadweightError as thrown } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import type { NeuronStats } from "../../src/stats/activation-stats.js";
import { type HistogramRange, LayerActivationAccumulator } from "../../src/stats/layer-activation-accumulator.js";
import { column, naiveHistogramCounts, naiveNeuronStats } from "./naive-activation-stats.js";

const GROWING: HistogramRange = { low: 0, high: 1, fixed: false };

/**
 * Six samples of three neurons: one always 0, one constant 0.5, one varying over [0, 3] (which
 * doubles the histogram range [0, 1] twice, to [0, 4]).
 */
const SIX_ROWS = [
  [0, 0.5, 0],
  [0, 0.5, 0.25],
  [0, 0.5, 0.5],
  [0, 0.5, 1],
  [0, 0.5, 2],
  [0, 0.5, 3],
];

/** Feeds `rows` in chunks of `chunkSize` rows. */
function accumulate(
  rows: readonly (readonly number[])[],
  chunkSize: number,
  binCount = 4,
  range: HistogramRange = GROWING,
  layerIndex = 0,
): LayerActivationAccumulator {
  const width = rows[0]?.length ?? 0;
  const accumulator = new LayerActivationAccumulator(layerIndex, width, binCount, range);
  for (let from = 0; from < rows.length; from += chunkSize) {
    const chunk = rows.slice(from, from + chunkSize);
    accumulator.addChunk(Float32Array.from(chunk.flat()), chunk.length, from);
  }
  return accumulator;
}

/** mean/std within 1e-12 relative (float64 merges of exact float32 inputs round differently per chunking), the rest exact. */
function expectStatsClose(actual: NeuronStats | undefined, expected: NeuronStats): void {
  expect(actual).toBeDefined();
  const { mean, std, min, max, apoz } = actual as NeuronStats;
  expect(Math.abs(mean - expected.mean)).toBeLessThanOrEqual(1e-12 * Math.abs(expected.mean));
  expect(Math.abs(std - expected.std)).toBeLessThanOrEqual(1e-12 * expected.std);
  expect({ min, max, apoz }).toEqual({ min: expected.min, max: expected.max, apoz: expected.apoz });
}

describe("LayerActivationAccumulator", () => {
  it("computes mean, population std, min, max and APoZ by hand on six samples", () => {
    const [dead, constant, varying] = accumulate(SIX_ROWS, 6).neuronStats();
    expect(dead).toEqual({ mean: 0, std: 0, min: 0, max: 0, apoz: 1 });
    expect(constant).toEqual({ mean: 0.5, std: 0, min: 0.5, max: 0.5, apoz: 0 });
    // Varying: sum 6.75, mean 1.125; squared deviations sum to 6.71875; population variance 6.71875 / 6.
    expectStatsClose(varying, { mean: 1.125, std: Math.sqrt(6.71875 / 6), min: 0, max: 3, apoz: 1 / 6 });
  });

  it("agrees with the naive float64 two-pass reference on every neuron", () => {
    const stats = accumulate(SIX_ROWS, 6).neuronStats();
    for (let j = 0; j < 3; j++) expectStatsClose(stats[j], naiveNeuronStats(column(SIX_ROWS, j)));
  });

  it("builds per-neuron histograms over the layer's shared, doubled range", () => {
    const histograms = accumulate(SIX_ROWS, 6).histograms();
    // 3 >= 1 and 3 >= 2: the range [0, 1] doubled twice, to [0, 4].
    for (const histogram of histograms) expect(histogram.edges).toEqual([0, 1, 2, 3, 4]);
    expect(histograms.map((histogram) => histogram.counts)).toEqual([
      [6, 0, 0, 0],
      [6, 0, 0, 0],
      [3, 1, 1, 1],
    ]);
    for (const [j, histogram] of histograms.entries()) {
      expect(histogram.counts).toEqual(naiveHistogramCounts(column(SIX_ROWS, j), histogram.edges));
    }
  });

  it.each([1, 3, 4, 6])("gives the same statistics and histograms for chunks of %s rows", (chunkSize) => {
    const accumulator = accumulate(SIX_ROWS, chunkSize);
    const stats = accumulator.neuronStats();
    for (let j = 0; j < 3; j++) expectStatsClose(stats[j], naiveNeuronStats(column(SIX_ROWS, j)));
    // Histograms are counts: exact, and independent of when the range doubled.
    expect(accumulator.histograms()).toEqual(accumulate(SIX_ROWS, 6).histograms());
  });

  it("keeps every count when the range doubles, and puts earlier values in the merged bins", () => {
    const accumulator = new LayerActivationAccumulator(0, 1, 4, GROWING);
    const countsAndEdges = () => {
      const [histogram] = accumulator.histograms();
      return { edges: histogram?.edges, counts: histogram?.counts };
    };
    accumulator.addChunk(Float32Array.from([0.1, 0.3, 0.6, 0.9]), 4, 0);
    expect(countsAndEdges()).toEqual({ edges: [0, 0.25, 0.5, 0.75, 1], counts: [1, 1, 1, 1] });
    accumulator.addChunk(Float32Array.from([1.5]), 1, 4);
    expect(countsAndEdges()).toEqual({ edges: [0, 0.5, 1, 1.5, 2], counts: [2, 2, 0, 1] });
    accumulator.addChunk(Float32Array.from([3.5]), 1, 5);
    expect(countsAndEdges()).toEqual({ edges: [0, 1, 2, 3, 4], counts: [4, 1, 0, 1] });
    const values = [0.1, 0.3, 0.6, 0.9, 1.5, 3.5].map(Math.fround);
    expect(countsAndEdges().counts).toEqual(naiveHistogramCounts(values, [0, 1, 2, 3, 4]));
  });

  it("doubles the range for a value equal to its upper edge instead of clamping it", () => {
    const accumulator = accumulate([[1]], 1);
    expect(accumulator.histograms()[0]).toEqual({ edges: [0, 0.5, 1, 1.5, 2], counts: [0, 0, 1, 0] });
  });

  it("doubles as often as needed for a value far beyond the range", () => {
    const accumulator = accumulate([[0.5], [100]], 2);
    expect(accumulator.histograms()[0]).toEqual({ edges: [0, 32, 64, 96, 128], counts: [1, 0, 0, 1] });
  });

  it("never grows a fixed range: values at or beyond its ends go to the end bins", () => {
    const fixed: HistogramRange = { low: -1, high: 1, fixed: true };
    const accumulator = accumulate([[-1], [-0.6], [0], [0.99], [1], [5], [-7]], 3, 4, fixed);
    expect(accumulator.histograms()[0]).toEqual({ edges: [-1, -0.5, 0, 0.5, 1], counts: [3, 0, 1, 3] });
  });

  it.each([1, 7, 1000])(
    "keeps the std of 10000 + tiny noise exact to 1e-9 (chunks of %s), where E[x^2] - E[x]^2 would cancel",
    (chunkSize) => {
      // Noise k / 1024, k in -2..2: exact in float32 next to 10000 (ulp 2^-10). Population std = sqrt(2) / 1024.
      // A sum of squares in float64 would lose ~1e8 * 2^-52 / 2e-6 = 1% of the variance here.
      const rows = Array.from({ length: 1000 }, (_, i) => [10000 + ((i % 5) - 2) / 1024]);
      const [stats] = accumulate(rows, chunkSize).neuronStats();
      // 1e-9 relative: the two-pass deviations are exact, only the final merges round.
      expect(Math.abs((stats?.mean as number) - 10000)).toBeLessThanOrEqual(1e-9 * 10000);
      expect(Math.abs((stats?.std as number) - Math.SQRT2 / 1024)).toBeLessThanOrEqual(1e-9 * (Math.SQRT2 / 1024));
    },
  );

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    "throws NON_FINITE_ACTIVATION for %s, naming the layer, neuron and dataset sample",
    (value) => {
      const accumulator = new LayerActivationAccumulator(1, 3, 4, GROWING);
      accumulator.addChunk(Float32Array.from([0, 1, 2, 0, 1, 2]), 2, 10);
      const error = thrown(() => accumulator.addChunk(Float32Array.from([0, 1, 2, 0, 1, value]), 2, 12));
      expect(error.code).toBe("NON_FINITE_ACTIVATION");
      // Layer index 1 is the second hidden layer; the bad value is row 1 of a chunk starting at sample 12.
      expect(error.message).toContain(`hidden layer 2, neuron 2: activation is ${value} on sample 13`);
    },
  );

  it.each([0, 3, 2.5])("rejects %s histogram bins with INVALID_OPTION", (bins) => {
    const error = thrown(() => new LayerActivationAccumulator(0, 1, bins, GROWING));
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain(`histogramBins must be an even integer >= 2, got ${bins}`);
  });

  describe("merging the parts of a pass split by samples", () => {
    /** Rows [from, to) fed in chunks of `chunkSize` into an accumulator that keeps its chunks' moments. */
    function part(rows: readonly (readonly number[])[], from: number, to: number, chunkSize: number) {
      const accumulator = new LayerActivationAccumulator(0, 3, 4, GROWING, { keepChunkMoments: true });
      for (let start = from; start < to; start += chunkSize) {
        const chunk = rows.slice(start, Math.min(to, start + chunkSize));
        accumulator.addChunk(Float32Array.from(chunk.flat()), chunk.length, start);
      }
      return accumulator.part();
    }

    it("equals one pass exactly, histograms included, when the parts reached different ranges", () => {
      // Chunks of 2 rows; part 1 holds rows 0-3 (range stays [0, 2): 1 >= 1 doubles it once), part 2
      // rows 4-5 (values up to 3: [0, 4)). The merge doubles part 1's bins once more: [3, 1, 1, 1] as by hand.
      const merged = LayerActivationAccumulator.merge([part(SIX_ROWS, 0, 4, 2), part(SIX_ROWS, 4, 6, 2)]);
      const single = accumulate(SIX_ROWS, 2);
      expect(merged.neuronStats()).toEqual(single.neuronStats());
      expect(merged.histograms()).toEqual(single.histograms());
      expect(merged.histograms()[2]).toEqual({ edges: [0, 1, 2, 3, 4], counts: [3, 1, 1, 1] });
    });

    it("equals one pass bit for bit on 1000 rows of awkward values split in three", () => {
      // Values with long binary expansions, so a different order of float64 merges would show.
      const rows = Array.from({ length: 1000 }, (_, i) => [Math.fround(i / 7), Math.fround(Math.sin(i) ** 2), 0]);
      const parts = [part(rows, 0, 384, 128), part(rows, 384, 768, 128), part(rows, 768, 1000, 128)];
      const merged = LayerActivationAccumulator.merge(parts);
      const single = accumulate(rows, 128);
      expect(merged.neuronStats()).toEqual(single.neuronStats());
      expect(merged.histograms()).toEqual(single.histograms());
    });

    it("refuses parts of different layers' shapes, and part() without kept chunk moments", () => {
      const other = new LayerActivationAccumulator(0, 2, 4, GROWING, { keepChunkMoments: true });
      expect(thrown(() => LayerActivationAccumulator.merge([part(SIX_ROWS, 0, 6, 2), other.part()])).code).toBe(
        "INVALID_OPTION",
      );
      expect(thrown(() => new LayerActivationAccumulator(0, 3, 4, GROWING).part()).message).toContain(
        "keepChunkMoments",
      );
    });
  });
});
