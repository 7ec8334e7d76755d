import type { HiddenActivation } from "./mlp-spec.js";

/** One dense layer's parameters in plain memory: kernel is row-major [inputSize x outputSize]. */
export interface DenseLayerWeights {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
  readonly activation: HiddenActivation | "softmax";
}

/** A whole MLP's parameters, outside any tensor: what surgery reads and writes. */
export interface MlpWeights {
  readonly layers: readonly DenseLayerWeights[];
}

/** Number of trainable parameters (weights + biases). */
export function parameterCount(weights: MlpWeights): number {
  let total = 0;
  for (const layer of weights.layers) total += layer.kernel.length + layer.bias.length;
  return total;
}

/** Bytes of the parameters stored as float32. */
export function float32Bytes(weights: MlpWeights): number {
  return parameterCount(weights) * 4;
}

/** Hidden neurons per hidden layer (the output layer excluded). */
export function hiddenLayerSizes(weights: MlpWeights): number[] {
  return weights.layers.slice(0, -1).map((layer) => layer.outputSize);
}
