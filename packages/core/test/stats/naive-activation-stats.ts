import type { NeuronStats } from "../../src/stats/activation-stats.js";

/** The textbook float64 two-pass statistics of one neuron's values: the reference the streaming accumulator must match. */
export function naiveNeuronStats(values: readonly number[]): NeuronStats {
  const n = values.length;
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / n;
  return {
    mean,
    std: Math.sqrt(variance),
    min: Math.min(...values),
    max: Math.max(...values),
    apoz: values.filter((value) => value === 0).length / n,
  };
}

/** Counts per bin [edges[i], edges[i+1]), found by comparing with the edges; values outside go to the end bins. */
export function naiveHistogramCounts(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const value of values) {
    let bin = 0;
    while (bin < counts.length - 1 && value >= (edges[bin + 1] as number)) bin++;
    counts[bin] = (counts[bin] as number) + 1;
  }
  return counts;
}

/** Column j of a row-major [rows x width] table. */
export function column(rows: readonly (readonly number[])[], j: number): number[] {
  return rows.map((row) => row[j] as number);
}
