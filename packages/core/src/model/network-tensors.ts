import type * as tf from "@tensorflow/tfjs";
import type { DenseLayerTensors } from "./dense-forward.js";
import { denseLayers } from "./mlp-network.js";

/**
 * The network's own parameter tensors in DenseLayerTensors form, without copying. They belong to
 * the network: never dispose them.
 */
export function borrowNetworkTensors(network: tf.LayersModel): DenseLayerTensors[] {
  const layers = denseLayers(network);
  return layers.map((layer, index) => {
    const [kernel, bias] = layer.getWeights() as [tf.Tensor2D, tf.Tensor1D];
    const activation = (layer.getConfig() as { activation?: string }).activation;
    return {
      kernel,
      bias,
      activation: index === layers.length - 1 ? "softmax" : activation === "tanh" ? "tanh" : "relu",
    };
  });
}
