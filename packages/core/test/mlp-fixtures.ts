import * as tf from "@tensorflow/tfjs";
import type { HiddenActivation } from "../src/model/mlp-spec.js";
import type { DenseLayerWeights, MlpWeights } from "../src/model/mlp-weights.js";
import { seededRandom } from "../src/random/seeded-random.js";

/** One dense layer from literal values; `kernel` is row-major [inputSize x outputSize]. */
export function denseLayer(
  inputSize: number,
  outputSize: number,
  kernel: readonly number[],
  bias: readonly number[],
  activation: DenseLayerWeights["activation"],
): DenseLayerWeights {
  return { inputSize, outputSize, kernel: Float32Array.from(kernel), bias: Float32Array.from(bias), activation };
}

/** An MLP of the given layer sizes (input first, classes last) with seeded uniform weights and biases in [-scale, scale). */
export function randomMlpWeights(
  sizes: readonly number[],
  seed: number,
  activation: HiddenActivation = "relu",
  scale = 1,
): MlpWeights {
  const random = seededRandom(seed);
  const uniform = () => (random() * 2 - 1) * scale;
  const layers = sizes.slice(1).map((outputSize, index): DenseLayerWeights => {
    const inputSize = sizes[index] as number;
    return {
      inputSize,
      outputSize,
      kernel: Float32Array.from({ length: inputSize * outputSize }, uniform),
      bias: Float32Array.from({ length: outputSize }, uniform),
      activation: index === sizes.length - 2 ? "softmax" : activation,
    };
  });
  return { layers };
}

/** A copy of `weights` in which `edit` may change kernels and biases in place. */
export function editedWeights(
  weights: MlpWeights,
  edit: (layers: { kernel: Float32Array; bias: Float32Array }[]) => void,
): MlpWeights {
  const layers = weights.layers.map((layer) => ({
    ...layer,
    kernel: Float32Array.from(layer.kernel),
    bias: Float32Array.from(layer.bias),
  }));
  edit(layers);
  return { layers };
}

/** The network's output (class probabilities) for `features` laid out [count x width], read back to memory. */
export function predictProbabilities(network: tf.LayersModel, features: Float32Array, width: number): Float32Array {
  const output = tf.tidy(() => network.predict(tf.tensor2d(features, [features.length / width, width])) as tf.Tensor);
  const values = output.dataSync() as Float32Array;
  output.dispose();
  return values;
}
