import * as tf from "@tensorflow/tfjs";
import { type Dataset, sampleCount } from "../data/dataset.js";
import { sampleChunks } from "../data/sample-chunks.js";
import { type DenseLayerTensors, denseForward } from "../model/dense-forward.js";

/**
 * The full network's first-hidden-layer activations of one evaluation set, kept on the backend.
 * Why: pruning never changes a surviving first-layer neuron's output (it depends on the inputs
 * only), so every threshold of a sweep can start from these columns instead of re-running the
 * largest matmul of the network (784x512 of the 784-512-256-128-10 MLP: ~70% of its work).
 */
export interface FirstLayerCache {
  readonly sampleCount: number;
  readonly chunks: { readonly activations: tf.Tensor2D; readonly labels: Int32Array }[];
}

/** Computes the cache in chunks; release it with disposeFirstLayerCache. */
export function buildFirstLayerCache(
  firstLayer: DenseLayerTensors,
  dataset: Dataset,
  chunkSize = 2048,
): FirstLayerCache {
  const chunks: FirstLayerCache["chunks"] = [];
  for (const chunk of sampleChunks(dataset, chunkSize)) {
    const activations = tf.tidy(() => denseForward(chunk.features, firstLayer));
    chunk.features.dispose();
    chunks.push({ activations, labels: dataset.labels.subarray(chunk.from, chunk.to) });
  }
  return { sampleCount: sampleCount(dataset), chunks };
}

export function disposeFirstLayerCache(cache: FirstLayerCache): void {
  for (const chunk of cache.chunks) chunk.activations.dispose();
}

/**
 * Accuracy of a pruned network evaluated from the cache: the kept first-layer columns are gathered
 * and run through the pruned layers 2..L (`laterLayers`). Identical, up to float rounding, to running
 * the pruned network on the raw inputs.
 */
export function accuracyFromFirstLayerCache(
  cache: FirstLayerCache,
  keptFirstLayer: tf.Tensor1D | null,
  laterLayers: readonly DenseLayerTensors[],
): number {
  let correct = 0;
  for (const chunk of cache.chunks) {
    const predicted = tf.tidy(() => {
      const start = keptFirstLayer === null ? chunk.activations : tf.gather(chunk.activations, keptFirstLayer, 1);
      const logits = laterLayers.reduce((x, layer) => denseForward(x, layer), start as tf.Tensor2D);
      return tf.argMax(logits, 1);
    });
    const classes = predicted.dataSync();
    predicted.dispose();
    for (let i = 0; i < classes.length; i++) if (classes[i] === chunk.labels[i]) correct++;
  }
  return correct / cache.sampleCount;
}
