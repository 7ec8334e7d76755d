import * as tf from "@tensorflow/tfjs";
import { type Dataset, sampleCount } from "../data/dataset.js";
import { sampleChunks } from "../data/sample-chunks.js";
import { DeadweightError } from "../errors.js";
import { type DenseLayerTensors, denseForward } from "../model/dense-forward.js";
import type { ActivationStats } from "./activation-stats.js";
import { LayerActivationAccumulator } from "./layer-activation-accumulator.js";

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
  const chunkSize = options.chunkSize ?? 2048;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new DeadweightError("INVALID_OPTION", `chunkSize must be a positive integer, got ${chunkSize}`);
  }
  const hidden = layers.slice(0, -1);
  const total = sampleCount(dataset);
  if (total === 0) throw new DeadweightError("INVALID_DATASET", `dataset "${dataset.name}" has no samples to measure`);
  const accumulators = hidden.map((layer, layerIndex) => {
    const bounded = layer.activation === "tanh";
    return new LayerActivationAccumulator(layerIndex, layer.kernel.shape[1], options.histogramBins ?? 20, {
      low: bounded ? -1 : 0,
      high: 1,
      fixed: bounded,
    });
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
        accumulator.addChunk(tensor.dataSync() as Float32Array, chunk.to - chunk.from, chunk.from);
      });
    } finally {
      tf.dispose([...activations, chunk.features]);
    }
    options.onProgress?.({ samplesDone: chunk.to, samplesTotal: total });
    await new Promise((resolve) => setTimeout(resolve, 0));
  }

  return {
    sampleCount: total,
    layers: accumulators.map((accumulator, layerIndex) => ({
      layerIndex,
      neurons: accumulator.neuronStats(),
      histograms: accumulator.histograms(),
    })),
  };
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
