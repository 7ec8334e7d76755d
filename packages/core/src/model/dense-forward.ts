import * as tf from "@tensorflow/tfjs";
import type { DenseLayerWeights } from "./mlp-weights.js";

/** A dense layer's parameters uploaded as tensors, for repeated forward passes. */
export interface DenseLayerTensors {
  readonly kernel: tf.Tensor2D;
  readonly bias: tf.Tensor1D;
  readonly activation: DenseLayerWeights["activation"];
}

/** Uploads one layer's parameters; the caller disposes them with disposeDenseLayers. */
export function uploadDenseLayer(layer: DenseLayerWeights): DenseLayerTensors {
  return {
    kernel: tf.tensor2d(layer.kernel, [layer.inputSize, layer.outputSize]),
    bias: tf.tensor1d(layer.bias),
    activation: layer.activation,
  };
}

export function disposeDenseLayers(layers: readonly DenseLayerTensors[]): void {
  for (const layer of layers) tf.dispose([layer.kernel, layer.bias]);
}

/**
 * activation(x·W + b) for a hidden layer, or the logits (no softmax) for the output layer, which is
 * all that argmax-accuracy needs. Not tidied: call inside tf.tidy.
 */
export function denseForward(x: tf.Tensor2D, layer: DenseLayerTensors): tf.Tensor2D {
  return forward(x, false, layer);
}

/**
 * denseForward of inputs given feature-major ([features x samples], the transpose of `x`), without
 * transposing them first: the matrix product reads them transposed (free on OpenBLAS; the wasm
 * fallback materialises the transpose). Not tidied: call inside tf.tidy.
 */
export function denseForwardFeatureMajor(xFeatureMajor: tf.Tensor2D, layer: DenseLayerTensors): tf.Tensor2D {
  return forward(xFeatureMajor, true, layer);
}

function forward(a: tf.Tensor2D, transposeA: boolean, layer: DenseLayerTensors): tf.Tensor2D {
  if (layer.activation === "relu") {
    return tf.fused.matMul({ a, b: layer.kernel, transposeA, bias: layer.bias, activation: "relu" }) as tf.Tensor2D;
  }
  const linear = tf.fused.matMul({ a, b: layer.kernel, transposeA, bias: layer.bias }) as tf.Tensor2D;
  return layer.activation === "tanh" ? tf.tanh(linear) : linear;
}
