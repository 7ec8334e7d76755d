import * as tf from "@tensorflow/tfjs";
import { type Dataset, sampleCount } from "../data/dataset.js";
import { sampleChunks } from "../data/sample-chunks.js";
import { type DenseLayerTensors, denseForward } from "./dense-forward.js";

/** How many rows of logits have their argmax equal to the row's label. */
export function countCorrect(logits: tf.Tensor2D, labels: Int32Array): number {
  const predictedTensor = tf.argMax(logits, 1);
  const predicted = predictedTensor.dataSync();
  predictedTensor.dispose();
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct;
}

/** Fraction of samples whose most probable class is their label, computed in chunks of bounded memory. */
export function evaluateAccuracy(layers: readonly DenseLayerTensors[], dataset: Dataset, chunkSize = 2048): number {
  let correct = 0;
  for (const chunk of sampleChunks(dataset, chunkSize)) {
    const logits = tf.tidy(() => layers.reduce((x, layer) => denseForward(x, layer), chunk.features));
    correct += countCorrect(logits, dataset.labels.subarray(chunk.from, chunk.to));
    tf.dispose([logits, chunk.features]);
  }
  return correct / sampleCount(dataset);
}
