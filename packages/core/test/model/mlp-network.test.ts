import { thrownDeadweightError as thrown } from "@deadweight/test-support";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { exportLayersModel } from "../../src/export/layers-model-files.js";
import {
  assertConsistentWeights,
  buildMlpNetwork,
  createMlpNetwork,
  denseLayers,
  MLP_MODEL_NAME,
  readMlpWeights,
} from "../../src/model/mlp-network.js";
import { assertValidMlpSpec, type MlpSpec } from "../../src/model/mlp-spec.js";
import { float32Bytes, hiddenLayerSizes, type MlpWeights, parameterCount } from "../../src/model/mlp-weights.js";
import { denseLayer, randomMlpWeights } from "../mlp-fixtures.js";
import { expectNoTensorLeak } from "../tensor-leaks.js";

const SPEC: MlpSpec = { inputSize: 4, hiddenSizes: [6, 5], activation: "relu", classCount: 3 };

/** Creates a network, reads its weights and disposes it. */
function createdWeights(spec: MlpSpec, seed: number): MlpWeights {
  const network = createMlpNetwork(spec, seed);
  try {
    return readMlpWeights(network);
  } finally {
    network.dispose();
  }
}

/** The 3-2-2 network of the size tests: kernel 3x2 + bias 2, then kernel 2x2 + bias 2. */
const NETWORK_3_2_2: MlpWeights = {
  layers: [
    denseLayer(3, 2, [1, 2, 3, 4, 5, 6], [0.5, -0.5], "relu"),
    denseLayer(2, 2, [1, -1, -1, 1], [0, 0], "softmax"),
  ],
};

describe("createMlpNetwork", () => {
  it("builds Dense hidden layers, a linear logits layer and a softmax, with the spec's shapes", () => {
    const network = createMlpNetwork(SPEC, 1);
    expect(network.layers.map((layer) => layer.name)).toEqual(["hidden_1", "hidden_2", "logits", "probabilities"]);
    expect(denseLayers(network).map((layer) => layer.getWeights()[0]?.shape)).toEqual([
      [4, 6],
      [6, 5],
      [5, 3],
    ]);
    const weights = readMlpWeights(network);
    expect(weights.layers.map((layer) => layer.activation)).toEqual(["relu", "relu", "softmax"]);
    // Biases start at zero, kernels do not.
    for (const layer of weights.layers) {
      expect(Array.from(layer.bias).every((value) => value === 0)).toBe(true);
      expect(Array.from(layer.kernel).some((value) => value !== 0)).toBe(true);
    }
    network.dispose();
  });

  it("gives identical weights for the same seed", () => {
    const first = createdWeights(SPEC, 42);
    const second = createdWeights(SPEC, 42);
    for (const [index, layer] of first.layers.entries()) {
      expect(second.layers[index]?.kernel).toEqual(layer.kernel);
    }
  });

  it("gives different weights for different seeds, in every layer", () => {
    const first = createdWeights(SPEC, 1);
    const second = createdWeights(SPEC, 2);
    for (const [index, layer] of first.layers.entries()) {
      expect(second.layers[index]?.kernel).not.toEqual(layer.kernel);
    }
  });

  it("keeps Glorot-uniform kernels inside +-sqrt(6 / (fanIn + fanOut))", () => {
    const weights = createdWeights(SPEC, 3);
    for (const layer of weights.layers) {
      const limit = Math.sqrt(6 / (layer.inputSize + layer.outputSize));
      expect(Math.max(...Array.from(layer.kernel, Math.abs))).toBeLessThanOrEqual(limit);
    }
  });

  it("makes tanh hidden layers when asked", () => {
    const weights = createdWeights({ ...SPEC, activation: "tanh" }, 1);
    expect(weights.layers.map((layer) => layer.activation)).toEqual(["tanh", "tanh", "softmax"]);
  });

  it("rejects an invalid spec before building anything", () => {
    const error = thrown(() => createMlpNetwork({ ...SPEC, hiddenSizes: [6, 0] }, 1));
    expect(error.code).toBe("INVALID_MODEL_SPEC");
    expect(error.message).toContain("hiddenSizes[1]");
  });

  it("does not leak tensors once the network is disposed", async () => {
    await expectNoTensorLeak(() => {
      createMlpNetwork(SPEC, 5).dispose();
    });
  });

  it("names every network MLP_MODEL_NAME, so the same weights export the same model.json however many networks came before", async () => {
    const weights = randomMlpWeights([4, 6, 3], 2, "relu");
    const first = await exportLayersModel(weights);
    createMlpNetwork(SPEC, 1).dispose();
    const second = await exportLayersModel(weights);
    expect((first.modelJson.modelTopology as { config: { name: string } }).config.name).toBe(MLP_MODEL_NAME);
    expect(second.modelJson).toEqual(first.modelJson);
  });
});

describe("readMlpWeights / buildMlpNetwork", () => {
  it.each(["relu", "tanh"] as const)("round-trip %s weights exactly, shapes and activations included", (activation) => {
    const weights = randomMlpWeights([4, 6, 5, 3], 9, activation);
    const network = buildMlpNetwork(weights);
    const read = readMlpWeights(network);
    network.dispose();
    expect(read.layers).toHaveLength(3);
    for (const [index, layer] of weights.layers.entries()) {
      const copy = read.layers[index];
      expect(copy?.inputSize).toBe(layer.inputSize);
      expect(copy?.outputSize).toBe(layer.outputSize);
      expect(copy?.activation).toBe(layer.activation);
      // Exact: float32 values go into tensors and come back unchanged.
      expect(copy?.kernel).toEqual(layer.kernel);
      expect(copy?.bias).toEqual(layer.bias);
    }
  });

  it("builds a network that computes softmax(relu(x·W1 + b1)·W2 + b2)", () => {
    const network = buildMlpNetwork(NETWORK_3_2_2);
    // x = [1, 1, 0]: hidden = relu([1 + 3 + 0.5, 2 + 4 - 0.5]) = [4.5, 5.5]; logits = [4.5 - 5.5, -4.5 + 5.5] = [-1, 1].
    const probabilities = tf.tidy(() => network.predict(tf.tensor2d([[1, 1, 0]])) as tf.Tensor).dataSync();
    const expected = [Math.exp(-1) / (Math.exp(-1) + Math.exp(1)), Math.exp(1) / (Math.exp(-1) + Math.exp(1))];
    // 1e-6: float32 softmax of exact logits, a few ulps of values below 1.
    expect(Math.abs((probabilities[0] as number) - (expected[0] as number))).toBeLessThan(1e-6);
    expect(Math.abs((probabilities[1] as number) - (expected[1] as number))).toBeLessThan(1e-6);
    network.dispose();
  });

  it("builds and reads without leaking tensors", async () => {
    await expectNoTensorLeak(() => {
      const network = buildMlpNetwork(NETWORK_3_2_2);
      readMlpWeights(network);
      network.dispose();
    });
  });
});

describe("parameterCount / float32Bytes / hiddenLayerSizes", () => {
  it("count a 3-2-2 network by hand: (3*2 + 2) + (2*2 + 2) = 14 parameters, 56 bytes", () => {
    expect(parameterCount(NETWORK_3_2_2)).toBe(14);
    expect(float32Bytes(NETWORK_3_2_2)).toBe(56);
    expect(hiddenLayerSizes(NETWORK_3_2_2)).toEqual([2]);
  });

  it("agree with TF.js's own count of a built network", () => {
    const network = createMlpNetwork(SPEC, 1);
    const weights = readMlpWeights(network);
    // 4*6+6 + 6*5+5 + 5*3+3 = 83
    expect(parameterCount(weights)).toBe(83);
    expect(network.countParams()).toBe(83);
    expect(hiddenLayerSizes(weights)).toEqual([6, 5]);
    network.dispose();
  });
});

describe("assertValidMlpSpec", () => {
  it("accepts a valid spec", () => {
    expect(() => assertValidMlpSpec(SPEC)).not.toThrow();
  });

  it.each([0, -1, 1.5, Number.NaN])("rejects hidden size %s, naming hiddenSizes[index]", (size) => {
    const error = thrown(() => assertValidMlpSpec({ ...SPEC, hiddenSizes: [6, size] }));
    expect(error.code).toBe("INVALID_MODEL_SPEC");
    expect(error.message).toContain(`hiddenSizes[1] must be a positive integer, got ${size}`);
  });

  it("rejects empty hiddenSizes", () => {
    const error = thrown(() => assertValidMlpSpec({ ...SPEC, hiddenSizes: [] }));
    expect(error.code).toBe("INVALID_MODEL_SPEC");
    expect(error.message).toContain("hiddenSizes is empty");
  });

  it("rejects an unknown activation, naming the field and the value", () => {
    const error = thrown(() => assertValidMlpSpec({ ...SPEC, activation: "sigmoid" as "relu" }));
    expect(error.code).toBe("INVALID_MODEL_SPEC");
    expect(error.message).toContain('activation must be "relu" or "tanh", got "sigmoid"');
  });

  it.each([0, 2.5])("rejects inputSize %s", (inputSize) => {
    const error = thrown(() => assertValidMlpSpec({ ...SPEC, inputSize }));
    expect(error.code).toBe("INVALID_MODEL_SPEC");
    expect(error.message).toContain(`inputSize must be a positive integer, got ${inputSize}`);
  });

  it("rejects fewer than 2 classes", () => {
    const error = thrown(() => assertValidMlpSpec({ ...SPEC, classCount: 1 }));
    expect(error.code).toBe("INVALID_MODEL_SPEC");
    expect(error.message).toContain("classCount must be an integer >= 2, got 1");
  });
});

describe("assertConsistentWeights", () => {
  const [hidden, output] = NETWORK_3_2_2.layers as [MlpWeights["layers"][0], MlpWeights["layers"][0]];

  it("accepts consistent weights", () => {
    expect(() => assertConsistentWeights(NETWORK_3_2_2)).not.toThrow();
  });

  it("rejects a network without a hidden layer", () => {
    const error = thrown(() => assertConsistentWeights({ layers: [output] }));
    expect(error.code).toBe("MODEL_SHAPE_MISMATCH");
    expect(error.message).toContain("at least one hidden layer");
  });

  it("rejects a kernel of the wrong length, naming the layer and the shape", () => {
    const error = thrown(() =>
      assertConsistentWeights({ layers: [hidden, { ...output, kernel: new Float32Array(3) }] }),
    );
    expect(error.code).toBe("MODEL_SHAPE_MISMATCH");
    expect(error.message).toContain("layer 1: kernel has 3 values, expected 2 x 2");
  });

  it("rejects a bias of the wrong length, naming the layer", () => {
    const error = thrown(() => assertConsistentWeights({ layers: [{ ...hidden, bias: new Float32Array(3) }, output] }));
    expect(error.code).toBe("MODEL_SHAPE_MISMATCH");
    expect(error.message).toContain("layer 0: bias has 3 values, expected 2");
  });

  it("rejects layers that do not connect, naming both", () => {
    const wide = denseLayer(3, 3, new Array(9).fill(0), [0, 0, 0], "relu");
    const error = thrown(() => assertConsistentWeights({ layers: [wide, output] }));
    expect(error.code).toBe("MODEL_SHAPE_MISMATCH");
    expect(error.message).toContain("layer 1 takes 2 inputs but layer 0 has 3 outputs");
  });

  it("guards buildMlpNetwork, which then builds nothing", async () => {
    await expectNoTensorLeak(() => {
      const error = thrown(() => buildMlpNetwork({ layers: [hidden, { ...output, bias: new Float32Array(1) }] }));
      expect(error.code).toBe("MODEL_SHAPE_MISMATCH");
    });
  });
});
