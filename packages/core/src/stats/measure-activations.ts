import * as tf from "@tensorflow/tfjs";
import { readTensorValuesInPlace } from "../backend/tensor-values-in-place.js";
import { type Dataset, sampleCount } from "../data/dataset.js";
import { sampleChunks } from "../data/sample-chunks.js";
import { DeadweightError } from "../errors.js";
import { type DenseLayerTensors, denseForward } from "../model/dense-forward.js";
import type { ActivationStats } from "./activation-stats.js";
import { LayerActivationAccumulator, type LayerStatsPart } from "./layer-activation-accumulator.js";

/**
 * Samples per forward pass of the statistics pass unless told otherwise. Also the unit a threaded
 * pass shares out (whole chunks keep its result equal to one thread's): 1024 splits MNIST's 6,000
 * validation samples 3 + 3 chunks over 2 threads, where 2048 would give 2 + 1.
 */
export const DEFAULT_STATISTICS_CHUNK_SIZE = 1024;

export interface MeasureOptions {
  /** Samples per forward pass: bounds memory at chunkSize x (sum of hidden widths) floats. */
  readonly chunkSize?: number;
  /** Bins per neuron histogram (even). */
  readonly histogramBins?: number;
  readonly onProgress?: (progress: { readonly samplesDone: number; readonly samplesTotal: number }) => void;
}

/**
 * Runs `dataset` through the network and measures every hidden neuron's activation: mean, std,
 * min, max, fraction of exact zeros and a histogram, streaming in chunks with bounded memory.
 * Throws NON_FINITE_ACTIVATION naming the layer, neuron and sample when an activation is NaN or infinite.
 */
export async function measureActivations(
  layers: readonly DenseLayerTensors[],
  dataset: Dataset,
  options: MeasureOptions = {},
): Promise<ActivationStats> {
  const accumulators = await accumulateActivations(layers, dataset, 0, options, false);
  return {
    sampleCount: sampleCount(dataset),
    layers: accumulators.map((accumulator, layerIndex) => ({
      layerIndex,
      neurons: accumulator.neuronStats(),
      histograms: accumulator.histograms(),
    })),
  };
}

/**
 * measureActivations over one consecutive share of the samples, as parts for mergeActivationParts:
 * `dataset` is the share, `firstSample` its first sample's index in the whole set (for errors).
 * Chunk boundaries must fall where a single pass puts them (splitSampleRanges does this) for the
 * merge to equal that pass.
 */
export async function measureActivationPart(
  layers: readonly DenseLayerTensors[],
  dataset: Dataset,
  firstSample: number,
  options: MeasureOptions = {},
): Promise<LayerStatsPart[]> {
  const accumulators = await accumulateActivations(layers, dataset, firstSample, options, true);
  return accumulators.map((accumulator) => accumulator.part());
}

/** The statistics of the whole set from its shares' parts, given in sample order: equal to measureActivations' bit for bit. */
export function mergeActivationParts(shares: readonly (readonly LayerStatsPart[])[]): ActivationStats {
  const first = shares[0];
  if (first === undefined) throw new DeadweightError("INVALID_OPTION", "no statistics parts to merge");
  const layers = first.map((_, layerIndex) => {
    const merged = LayerActivationAccumulator.merge(shares.map((share) => share[layerIndex] as LayerStatsPart));
    return { layerIndex, neurons: merged.neuronStats(), histograms: merged.histograms() };
  });
  return { sampleCount: shares.reduce((sum, share) => sum + partSamples(share), 0), layers };
}

function partSamples(share: readonly LayerStatsPart[]): number {
  return (share[0]?.chunks ?? []).reduce((sum, chunk) => sum + chunk.rows, 0);
}

async function accumulateActivations(
  layers: readonly DenseLayerTensors[],
  dataset: Dataset,
  firstSample: number,
  options: MeasureOptions,
  keepChunkMoments: boolean,
): Promise<LayerActivationAccumulator[]> {
  const chunkSize = options.chunkSize ?? DEFAULT_STATISTICS_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new DeadweightError("INVALID_OPTION", `chunkSize must be a positive integer, got ${chunkSize}`);
  }
  const hidden = layers.slice(0, -1);
  const total = sampleCount(dataset);
  if (total === 0) throw new DeadweightError("INVALID_DATASET", `dataset "${dataset.name}" has no samples to measure`);
  const accumulators = hidden.map((layer, layerIndex) => {
    const bounded = layer.activation === "tanh";
    return new LayerActivationAccumulator(
      layerIndex,
      layer.kernel.shape[1],
      options.histogramBins ?? 20,
      { low: bounded ? -1 : 0, high: 1, fixed: bounded },
      { keepChunkMoments },
    );
  });

  for (const chunk of sampleChunks(dataset, chunkSize)) {
    const activations = tf.tidy(() => {
      const outputs: tf.Tensor2D[] = [];
      hidden.reduce((x, layer) => {
        const h = measuredForward(x, layer);
        outputs.push(h);
        return h;
      }, chunk.features);
      return outputs;
    });
    try {
      activations.forEach((tensor, layerIndex) => {
        const accumulator = accumulators[layerIndex] as LayerActivationAccumulator;
        accumulator.addChunk(readTensorValuesInPlace(tensor), chunk.to - chunk.from, firstSample + chunk.from);
      });
    } finally {
      tf.dispose([...activations, chunk.features]);
    }
    options.onProgress?.({ samplesDone: chunk.to, samplesTotal: total });
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return accumulators;
}

/**
 * denseForward with relu applied after the fused matmul instead of inside it: on wasm the fused relu
 * (XNNPACK's clamp) turns NaN into 0, so a neuron with NaN weights would look dead and be pruned
 * instead of failing with NON_FINITE_ACTIVATION. Same values otherwise (relu is exact); training
 * keeps the faster fused form.
 */
function measuredForward(x: tf.Tensor2D, layer: DenseLayerTensors): tf.Tensor2D {
  if (layer.activation !== "relu") return denseForward(x, layer);
  return tf.relu(tf.fused.matMul({ a: x, b: layer.kernel, bias: layer.bias }) as tf.Tensor2D);
}
