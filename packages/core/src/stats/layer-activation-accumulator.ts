import { DeadweightError } from "../errors.js";
import type { Histogram, NeuronStats } from "./activation-stats.js";

export interface HistogramRange {
  readonly low: number;
  readonly high: number;
  /** A fixed range never grows (bounded activations such as tanh); values outside go to the end bins. */
  readonly fixed: boolean;
}

/** One chunk's own moments per neuron, before merging: what the Chan merge combines. */
export interface ChunkMoments {
  readonly rows: number;
  readonly mean: Float64Array;
  readonly m2: Float64Array;
}

/**
 * What one thread measured on its consecutive chunks of samples, in plain arrays a thread can send:
 * every chunk's own moments (merged in sample order, so a split pass gives the single-thread
 * mean and std bit for bit), and the order-free parts (extremes, zero counts, histogram).
 */
export interface LayerStatsPart {
  readonly layerIndex: number;
  readonly width: number;
  readonly binCount: number;
  readonly range: HistogramRange;
  readonly chunks: readonly ChunkMoments[];
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly zeros: Float64Array;
  readonly counts: Uint32Array;
  /** The histogram's upper end this part reached (the range only ever doubles from `range.high`). */
  readonly high: number;
}

/**
 * Streams one hidden layer's activations, chunk by chunk, into per-neuron statistics with memory
 * independent of the number of samples:
 * - mean and M2 (sum of squared deviations) in float64, each chunk's own two-pass moments merged
 *   with Chan et al.'s parallel formula (stable where sum-of-squares would cancel);
 * - min, max, count of exact zeros (APoZ);
 * - a histogram per neuron over one shared range whose upper end doubles (merging bin pairs)
 *   whenever a value lands beyond it, so one pass gives exact counts without knowing the range first.
 * Two passes over each chunk in all, because this loop is the statistics stage's hot path.
 */
export class LayerActivationAccumulator {
  private count = 0;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  private readonly zeros: Float64Array;
  private readonly chunkMean: Float64Array;
  private readonly chunkM2: Float64Array;
  /** Neuron-major: neuron j's bins are counts[j * binCount .. (j + 1) * binCount). */
  private readonly counts: Uint32Array;
  private low: number;
  private high: number;
  /** Every chunk's own moments, kept only for a part of a split pass (see `part`). */
  private readonly chunkMoments: ChunkMoments[] | null;

  constructor(
    readonly layerIndex: number,
    readonly width: number,
    readonly binCount: number,
    private readonly range: HistogramRange,
    options: { readonly keepChunkMoments?: boolean } = {},
  ) {
    if (!Number.isInteger(binCount) || binCount < 2 || binCount % 2 !== 0) {
      throw new DeadweightError("INVALID_OPTION", `histogramBins must be an even integer >= 2, got ${binCount}`);
    }
    this.mean = new Float64Array(width);
    this.m2 = new Float64Array(width);
    this.min = new Float64Array(width).fill(Number.POSITIVE_INFINITY);
    this.max = new Float64Array(width).fill(Number.NEGATIVE_INFINITY);
    this.zeros = new Float64Array(width);
    this.chunkMean = new Float64Array(width);
    this.chunkM2 = new Float64Array(width);
    this.counts = new Uint32Array(width * binCount);
    this.low = range.low;
    this.high = range.high;
    this.chunkMoments = options.keepChunkMoments === true ? [] : null;
  }

  /**
   * Merges the parts of a pass split by samples into one accumulator, parts in sample order: the
   * chunks' moments go through the same Chan merge in the same order as one pass over all chunks,
   * and histograms are brought to the widest part's range by the same bin-pair doubling, so the
   * result equals the single-thread pass exactly.
   */
  static merge(parts: readonly LayerStatsPart[]): LayerActivationAccumulator {
    const first = parts[0];
    if (first === undefined) throw new DeadweightError("INVALID_OPTION", "no statistics parts to merge");
    const merged = new LayerActivationAccumulator(first.layerIndex, first.width, first.binCount, first.range);
    for (const part of parts) merged.absorb(part);
    return merged;
  }

  /** Everything measured so far as a part of a split pass; needs `keepChunkMoments`. */
  part(): LayerStatsPart {
    if (this.chunkMoments === null) {
      throw new DeadweightError("INVALID_OPTION", "part() needs an accumulator made with keepChunkMoments");
    }
    return {
      layerIndex: this.layerIndex,
      width: this.width,
      binCount: this.binCount,
      range: this.range,
      chunks: this.chunkMoments,
      min: this.min,
      max: this.max,
      zeros: this.zeros,
      counts: this.counts,
      high: this.high,
    };
  }

  /**
   * Adds `rows` samples laid out row-major [rows x width]; `firstSample` is the index of the first
   * one in the dataset, for error messages. Throws NON_FINITE_ACTIVATION on NaN or infinity.
   */
  addChunk(values: Float32Array, rows: number, firstSample: number): void {
    if (rows === 0) return;
    const { width, chunkMean, chunkM2, min, max, zeros } = this;
    chunkMean.fill(0);
    chunkM2.fill(0);
    // value - value is 0 for every finite number, NaN for NaN and +-Infinity: summed, one check after
    // the loop (then a search for the first one, to name it) instead of a branch per value.
    let nonFinite = 0;
    for (let r = 0; r < rows; r++) {
      const offset = r * width;
      for (let j = 0; j < width; j++) {
        const value = values[offset + j] as number;
        nonFinite += value - value;
        chunkMean[j] = (chunkMean[j] as number) + value;
        if (value < (min[j] as number)) min[j] = value;
        if (value > (max[j] as number)) max[j] = value;
        if (value === 0) zeros[j] = (zeros[j] as number) + 1;
      }
    }
    if (nonFinite !== 0) this.throwFirstNonFinite(values, rows, firstSample);
    // Earlier chunks' maxima are already below the histogram's upper end: the running max decides.
    let largest = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < width; j++) largest = Math.max(largest, max[j] as number);
    for (let j = 0; j < width; j++) chunkMean[j] = (chunkMean[j] as number) / rows;
    if (!this.range.fixed) while (largest >= this.high) this.doubleRange();

    const { counts, binCount, low } = this;
    const scale = binCount / (this.high - low);
    const lastBin = binCount - 1;
    for (let r = 0; r < rows; r++) {
      const offset = r * width;
      for (let j = 0; j < width; j++) {
        const value = values[offset + j] as number;
        const deviation = value - (chunkMean[j] as number);
        chunkM2[j] = (chunkM2[j] as number) + deviation * deviation;
        // floor((value - low) * scale) clamped to the bins, without Math.floor/min/max calls (this is
        // the hot loop): truncation equals floor for the positive values below lastBin it is used on.
        const scaled = (value - low) * scale;
        const bin = scaled < lastBin ? (scaled > 0 ? scaled | 0 : 0) : lastBin;
        const index = j * binCount + bin;
        counts[index] = (counts[index] as number) + 1;
      }
    }

    this.chunkMoments?.push({ rows, mean: chunkMean.slice(), m2: chunkM2.slice() });
    this.mergeChunkMoments(chunkMean, chunkM2, rows);
  }

  /** Chan et al.'s parallel merge of one chunk's moments into the running mean and M2, in float64. */
  private mergeChunkMoments(chunkMean: Float64Array, chunkM2: Float64Array, rows: number): void {
    const total = this.count + rows;
    for (let j = 0; j < this.width; j++) {
      const delta = (chunkMean[j] as number) - (this.mean[j] as number);
      this.mean[j] = (this.mean[j] as number) + (delta * rows) / total;
      this.m2[j] = (this.m2[j] as number) + (chunkM2[j] as number) + (delta * delta * this.count * rows) / total;
    }
    this.count = total;
  }

  private absorb(part: LayerStatsPart): void {
    if (part.width !== this.width || part.binCount !== this.binCount || part.range.low !== this.low) {
      throw new DeadweightError(
        "INVALID_OPTION",
        `statistics parts of hidden layer ${this.layerIndex + 1} do not match (width ${part.width} vs ${this.width}, ` +
          `${part.binCount} vs ${this.binCount} bins): merge parts of one pass only`,
      );
    }
    for (const chunk of part.chunks) this.mergeChunkMoments(chunk.mean, chunk.m2, chunk.rows);
    for (let j = 0; j < this.width; j++) {
      if ((part.min[j] as number) < (this.min[j] as number)) this.min[j] = part.min[j] as number;
      if ((part.max[j] as number) > (this.max[j] as number)) this.max[j] = part.max[j] as number;
      this.zeros[j] = (this.zeros[j] as number) + (part.zeros[j] as number);
    }
    while (this.high < part.high) this.doubleRange();
    // Halving a bin index is what binning at the doubled range gives (the scale halves exactly).
    const counts = Uint32Array.from(part.counts);
    for (let high = part.high; high < this.high; high = this.low + 2 * (high - this.low)) {
      doubleHistogramRange(counts, this.width, this.binCount);
    }
    for (let i = 0; i < counts.length; i++) this.counts[i] = (this.counts[i] as number) + (counts[i] as number);
  }

  /** Statistics of every neuron so far; std is the population std (divides by n, like numpy's default). */
  neuronStats(): NeuronStats[] {
    return Array.from({ length: this.width }, (_, j) => ({
      mean: this.mean[j] as number,
      std: this.count === 0 ? 0 : Math.sqrt((this.m2[j] as number) / this.count),
      min: this.min[j] as number,
      max: this.max[j] as number,
      apoz: this.count === 0 ? 0 : (this.zeros[j] as number) / this.count,
    }));
  }

  /** One histogram per neuron, all with the layer's shared edges. */
  histograms(): Histogram[] {
    const step = (this.high - this.low) / this.binCount;
    const edges = Array.from({ length: this.binCount + 1 }, (_, i) => this.low + i * step);
    return Array.from({ length: this.width }, (_, j) => ({
      edges,
      counts: Array.from(this.counts.subarray(j * this.binCount, (j + 1) * this.binCount)),
    }));
  }

  private doubleRange(): void {
    doubleHistogramRange(this.counts, this.width, this.binCount);
    this.high = this.low + 2 * (this.high - this.low);
  }

  private throwFirstNonFinite(values: Float32Array, rows: number, firstSample: number): never {
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < this.width; j++) {
        const value = values[r * this.width + j] as number;
        if (!Number.isFinite(value)) this.throwNonFinite(value, j, firstSample + r);
      }
    }
    throw new Error("a non-finite activation was counted but not found");
  }

  private throwNonFinite(value: number, neuron: number, sample: number): never {
    throw new DeadweightError(
      "NON_FINITE_ACTIVATION",
      `hidden layer ${this.layerIndex + 1}, neuron ${neuron}: activation is ${value} on sample ${sample}. ` +
        "The model's weights or the input data contain NaN or infinite values; retrain with a lower learning rate or clean the data.",
    );
  }
}

/** Merges bin pairs of every neuron's histogram in place: the counts the doubled range would have. */
function doubleHistogramRange(counts: Uint32Array, width: number, binCount: number): void {
  const half = binCount / 2;
  for (let j = 0; j < width; j++) {
    const neuron = counts.subarray(j * binCount, (j + 1) * binCount);
    for (let i = 0; i < half; i++) neuron[i] = (neuron[2 * i] as number) + (neuron[2 * i + 1] as number);
    neuron.fill(0, half);
  }
}
