import * as tf from "@tensorflow/tfjs";
import { type Dataset, sampleCount } from "../data/dataset.js";
import { sampleChunks } from "../data/sample-chunks.js";
import { type DenseLayerTensors, denseForward, denseForwardFeatureMajor } from "../model/dense-forward.js";

/**
 * The full network's first-hidden-layer activations of one evaluation set, kept neuron-major.
 * Why: pruning never changes a surviving first-layer neuron's output (it depends on the inputs
 * only), so every threshold of a sweep can start from these columns instead of re-running the
 * largest matmul of the network (784x512 of the 784-512-256-128-10 MLP: ~70% of its work). Neuron-
 * major, a pruned network's kept neurons are whole contiguous runs to copy, where gathering columns
 * of a sample-major matrix is an element-by-element loop (it took 40% of a sweep).
 */
export interface FirstLayerCache {
  readonly sampleCount: number;
  readonly neurons: number;
  /** Per chunk of samples: neuron j's activations over the chunk are `activations[j * rows .. (j + 1) * rows)`. */
  readonly chunks: { readonly activations: Float32Array; readonly rows: number; readonly labels: Int32Array }[];
}

/** Computes the cache in chunks of samples (memory outside the backend: nothing to release). */
export function buildFirstLayerCache(
  firstLayer: DenseLayerTensors,
  dataset: Dataset,
  chunkSize = 2048,
): FirstLayerCache {
  const chunks: FirstLayerCache["chunks"] = [];
  for (const chunk of sampleChunks(dataset, chunkSize)) {
    const neuronMajor = tf.tidy(() => tf.transpose(denseForward(chunk.features, firstLayer)));
    chunk.features.dispose();
    const activations = neuronMajor.dataSync() as Float32Array;
    neuronMajor.dispose();
    chunks.push({ activations, rows: chunk.to - chunk.from, labels: dataset.labels.subarray(chunk.from, chunk.to) });
  }
  return { sampleCount: sampleCount(dataset), neurons: firstLayer.kernel.shape[1], chunks };
}

/**
 * Accuracy of a pruned network evaluated from the cache: the kept first-layer neurons (`keptFirstLayer`,
 * ascending; null: all) are copied out and run through the pruned layers 2..L (`laterLayers`).
 * Identical, up to float rounding, to running the pruned network on the raw inputs.
 */
export function accuracyFromFirstLayerCache(
  cache: FirstLayerCache,
  keptFirstLayer: readonly number[] | null,
  laterLayers: readonly DenseLayerTensors[],
): number {
  const [nextLayer, ...rest] = laterLayers;
  if (nextLayer === undefined) throw new Error("accuracyFromFirstLayerCache needs the layers after the first");
  let correct = 0;
  for (const chunk of cache.chunks) {
    const kept =
      keptFirstLayer === null ? chunk.activations : keptNeuronRows(chunk.activations, chunk.rows, keptFirstLayer);
    const neurons = keptFirstLayer?.length ?? cache.neurons;
    const predicted = tf.tidy(() => {
      const second = denseForwardFeatureMajor(tf.tensor2d(kept, [neurons, chunk.rows]), nextLayer);
      const logits = rest.reduce((x, layer) => denseForward(x, layer), second);
      return tf.argMax(logits, 1);
    });
    const classes = predicted.dataSync();
    predicted.dispose();
    for (let i = 0; i < classes.length; i++) if (classes[i] === chunk.labels[i]) correct++;
  }
  return correct / cache.sampleCount;
}

/** The kept neurons' runs of a neuron-major chunk, in order. */
function keptNeuronRows(activations: Float32Array, rows: number, kept: readonly number[]): Float32Array {
  const out = new Float32Array(kept.length * rows);
  kept.forEach((neuron, index) => {
    out.set(activations.subarray(neuron * rows, (neuron + 1) * rows), index * rows);
  });
  return out;
}
