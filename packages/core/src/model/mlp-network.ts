import * as tf from "@tensorflow/tfjs";
import { DeadweightError } from "../errors.js";
import { assertValidMlpSpec, type MlpSpec } from "./mlp-spec.js";
import type { DenseLayerWeights, MlpWeights } from "./mlp-weights.js";

/**
 * A Keras-style Sequential MLP: Dense(hidden, activation)... -> Dense(classes, linear) -> Activation(softmax).
 * The softmax sits in its own layer so training can read logits while an exported model still
 * outputs probabilities.
 */
export type MlpNetwork = tf.Sequential;

/**
 * The name of every network Deadweight builds, in its model.json. TF.js would name each new model
 * "sequential_<counter>", so the same weights would be written differently by a thread that had
 * built other models before (a worker's warm run thread): fixed, model.json depends on the network alone.
 */
export const MLP_MODEL_NAME = "deadweight_mlp";

/** Builds an untrained network with seeded Glorot-uniform kernels and zero biases. */
export function createMlpNetwork(spec: MlpSpec, seed: number): MlpNetwork {
  assertValidMlpSpec(spec);
  const model = tf.sequential({ name: MLP_MODEL_NAME });
  const sizes = [...spec.hiddenSizes, spec.classCount];
  sizes.forEach((units, index) => {
    model.add(
      tf.layers.dense({
        units,
        activation: index < spec.hiddenSizes.length ? spec.activation : "linear",
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + index }),
        biasInitializer: "zeros",
        ...(index === 0 ? { inputShape: [spec.inputSize] } : {}),
        name: index < spec.hiddenSizes.length ? `hidden_${index + 1}` : "logits",
      }),
    );
  });
  model.add(tf.layers.activation({ activation: "softmax", name: "probabilities" }));
  return model;
}

/** The network's Dense layers, in order (the trailing softmax layer excluded). */
export function denseLayers(network: tf.LayersModel): tf.layers.Layer[] {
  return network.layers.filter((layer) => layer.getClassName() === "Dense");
}

/** Copies a network's parameters out of tensors into plain memory. */
export function readMlpWeights(network: tf.LayersModel): MlpWeights {
  const dense = denseLayers(network);
  const layers = dense.map((layer, index): DenseLayerWeights => {
    const [kernel, bias] = layer.getWeights();
    if (kernel === undefined || bias === undefined || kernel.shape.length !== 2) {
      throw new DeadweightError(
        "MODEL_SHAPE_MISMATCH",
        `layer "${layer.name}" is not a dense layer with kernel and bias`,
      );
    }
    const config = layer.getConfig() as { activation?: string };
    const isOutput = index === dense.length - 1;
    return {
      inputSize: kernel.shape[0] as number,
      outputSize: kernel.shape[1] as number,
      kernel: new Float32Array(kernel.dataSync()),
      bias: new Float32Array(bias.dataSync()),
      activation: isOutput ? "softmax" : config.activation === "tanh" ? "tanh" : "relu",
    };
  });
  return { layers };
}

/** Builds a network whose parameters are exactly `weights` (new shapes allowed: this is how a pruned model is born). */
export function buildMlpNetwork(weights: MlpWeights): MlpNetwork {
  assertConsistentWeights(weights);
  const layers = weights.layers;
  const hidden = layers.slice(0, -1);
  const spec: MlpSpec = {
    inputSize: (layers[0] as DenseLayerWeights).inputSize,
    hiddenSizes: hidden.map((layer) => layer.outputSize),
    activation: hidden[0]?.activation === "tanh" ? "tanh" : "relu",
    classCount: (layers[layers.length - 1] as DenseLayerWeights).outputSize,
  };
  const network = createMlpNetwork(spec, 0);
  denseLayers(network).forEach((layer, index) => {
    const source = layers[index] as DenseLayerWeights;
    const values = tf.tidy(() => [
      tf.tensor2d(source.kernel, [source.inputSize, source.outputSize]),
      tf.tensor1d(source.bias),
    ]);
    layer.setWeights(values);
    tf.dispose(values);
  });
  return network;
}

/** Throws MODEL_SHAPE_MISMATCH when consecutive layers do not connect or arrays do not match their shapes. */
export function assertConsistentWeights(weights: MlpWeights): void {
  if (weights.layers.length < 2) {
    throw new DeadweightError("MODEL_SHAPE_MISMATCH", "an MLP needs at least one hidden layer and an output layer");
  }
  weights.layers.forEach((layer, index) => {
    if (layer.kernel.length !== layer.inputSize * layer.outputSize) {
      throw new DeadweightError(
        "MODEL_SHAPE_MISMATCH",
        `layer ${index}: kernel has ${layer.kernel.length} values, expected ${layer.inputSize} x ${layer.outputSize}`,
      );
    }
    if (layer.bias.length !== layer.outputSize) {
      throw new DeadweightError(
        "MODEL_SHAPE_MISMATCH",
        `layer ${index}: bias has ${layer.bias.length} values, expected ${layer.outputSize}`,
      );
    }
    const previous = weights.layers[index - 1];
    if (previous !== undefined && previous.outputSize !== layer.inputSize) {
      throw new DeadweightError(
        "MODEL_SHAPE_MISMATCH",
        `layer ${index} takes ${layer.inputSize} inputs but layer ${index - 1} has ${previous.outputSize} outputs`,
      );
    }
  });
}
