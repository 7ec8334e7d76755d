import { thrownDeadweightError as thrown } from "@deadweight/test-support";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import type { Dataset } from "../../src/data/dataset.js";
import { buildMlpNetwork, denseLayers } from "../../src/model/mlp-network.js";
import type { HiddenActivation } from "../../src/model/mlp-spec.js";
import { type MlpWeights, parameterCount } from "../../src/model/mlp-weights.js";
import { borrowNetworkTensors } from "../../src/model/network-tensors.js";
import { applyPruningPlan } from "../../src/pruning/apply-pruning-plan.js";
import { planPruning } from "../../src/pruning/plan-pruning.js";
import type { LayerPlan, PruningPlan } from "../../src/pruning/pruning-plan.js";
import { measureActivations } from "../../src/stats/measure-activations.js";
import { expectAllClose } from "../float-comparison.js";
import { editedWeights, predictProbabilities, randomMlpWeights } from "../mlp-fixtures.js";
import { randomFeatures } from "../synthetic-datasets.js";

/** 5 inputs -> 6 -> 4 hidden -> 3 classes, seeded random weights and biases in [-1, 1). */
const SIZES = [5, 6, 4, 3];
const WIDTH = 5;
const SAMPLES = 64;
const INPUTS = randomFeatures(SAMPLES, WIDTH, 101);
const INPUT_SET: Dataset = {
  name: "random inputs",
  features: INPUTS,
  labels: new Int32Array(SAMPLES),
  featureCount: WIDTH,
  classCount: 3,
};

/**
 * Tolerance of the equivalence tests: 1e-6 relative + 1e-7 absolute on probabilities. Why not 0:
 * dropping a zero term or moving a constant term into the bias leaves each dot product equal in
 * exact arithmetic, but float32 rounds it in another order and shape (XNNPACK blocks the sum by the
 * inner dimension, the fold is summed in float64), which moves logits of size ~1 by an ulp or two
 * (1 ulp = 1.2e-7 relative; the worst seen here is 1.2e-7 absolute), and softmax carries that to the
 * probabilities. A wrong kept index or a missing fold moves probabilities by 1e-2 or more.
 */
const SURGERY_TOLERANCE = { relative: 1e-6, absolute: 1e-7 };

/** Probabilities of the network built from `weights` on the shared random inputs. */
function probabilitiesOf(weights: MlpWeights): Float32Array {
  const network = buildMlpNetwork(weights);
  try {
    return predictProbabilities(network, INPUTS, WIDTH);
  } finally {
    network.dispose();
  }
}

/** Hidden neurons with zero incoming weights and the given bias: relu(bias) whatever the input. */
function withInputIndependentNeurons(weights: MlpWeights, neurons: readonly (readonly [number, number, number])[]) {
  return editedWeights(weights, (layers) => {
    for (const [layer, neuron, bias] of neurons) {
      const { kernel, bias: biases } = layers[layer] as { kernel: Float32Array; bias: Float32Array };
      const outputs = biases.length;
      for (let row = 0; row < kernel.length / outputs; row++) kernel[row * outputs + neuron] = 0;
      biases[neuron] = bias;
    }
  });
}

/**
 * The reference for surgery, computed on the ORIGINAL network with plain tf ops: every hidden
 * neuron the plan removes has its activation forced to its folded value (0 without folding).
 */
function maskedForwardProbabilities(weights: MlpWeights, plan: PruningPlan): Float32Array {
  const result = tf.tidy(() => {
    let h: tf.Tensor2D = tf.tensor2d(INPUTS, [SAMPLES, WIDTH]);
    weights.layers.forEach((layer, index) => {
      const z = tf.add(tf.matMul(h, tf.tensor2d(layer.kernel, [layer.inputSize, layer.outputSize])), layer.bias);
      const layerPlan = plan.layers[index];
      if (layerPlan === undefined) {
        h = tf.softmax(z as tf.Tensor2D);
        return;
      }
      const activated = layer.activation === "tanh" ? tf.tanh(z) : tf.relu(z);
      const kept = new Set(layerPlan.kept);
      const mask = Array.from({ length: layer.outputSize }, (_, j) => (kept.has(j) ? 1 : 0));
      const forced = Array.from({ length: layer.outputSize }, (_, j) =>
        kept.has(j) ? 0 : (layerPlan.foldedValues?.[j] ?? 0),
      );
      h = tf.add(tf.mul(activated, tf.tensor1d(mask)), tf.tensor1d(forced)) as tf.Tensor2D;
    });
    return h;
  });
  const values = result.dataSync() as Float32Array;
  result.dispose();
  return values;
}

function handPlan(
  layers: readonly { kept: number[]; originalSize: number; foldedValues?: Float64Array }[],
): PruningPlan {
  return {
    threshold: { kind: "meanStd", mean: 0, std: 0 },
    layers: layers.map((layer, layerIndex): LayerPlan => ({ layerIndex, ...layer })),
    emptiedLayers: layers.flatMap((layer, index) => (layer.kept.length === 0 ? [index] : [])),
  };
}

describe("applyPruningPlan: equivalence (the proof that surgery is right)", () => {
  it("(a) removing neurons that are exactly zero on every input leaves every output identical", async () => {
    // Zero incoming weights and a negative bias under relu: dead on every input. Their outgoing weights stay non-zero.
    const weights = withInputIndependentNeurons(randomMlpWeights(SIZES, 1), [
      [0, 1, -0.5],
      [0, 4, -0.25],
      [1, 2, -1],
    ]);
    const network = buildMlpNetwork(weights);
    const stats = await measureActivations(borrowNetworkTensors(network), INPUT_SET);
    network.dispose();
    const plan = planPruning(stats, { kind: "meanStd", mean: 0, std: 0 });
    // Precondition: exactly the neurons made dead are dead on these inputs.
    expect(plan.layers.map((layer) => layer.kept)).toEqual([
      [0, 2, 3, 5],
      [0, 1, 3],
    ]);
    const pruned = applyPruningPlan(weights, plan);
    expectAllClose(probabilitiesOf(pruned), probabilitiesOf(weights), SURGERY_TOLERANCE);
  });

  it("(b) removing constant neurons with folding (stdFold) leaves every output identical", async () => {
    // Zero incoming weights and a positive bias under relu: the neuron always outputs its bias.
    const weights = withInputIndependentNeurons(randomMlpWeights(SIZES, 2), [
      [0, 1, 0.7],
      [0, 4, 1.3],
      [1, 2, 0.4],
    ]);
    const network = buildMlpNetwork(weights);
    const stats = await measureActivations(borrowNetworkTensors(network), INPUT_SET);
    network.dispose();
    const plan = planPruning(stats, { kind: "stdFold", std: 0 });
    expect(plan.layers.map((layer) => layer.kept)).toEqual([
      [0, 2, 3, 5],
      [0, 1, 3],
    ]);
    expect(plan.layers[0]?.foldedValues?.[4]).toBe(Math.fround(1.3));
    const original = probabilitiesOf(weights);
    expectAllClose(probabilitiesOf(applyPruningPlan(weights, plan)), original, SURGERY_TOLERANCE);

    // Control: the same cut without folding changes the outputs, so the fold is what keeps them.
    const unfolded = handPlan(plan.layers.map(({ kept, originalSize }) => ({ kept, originalSize })));
    const withoutFold = probabilitiesOf(applyPruningPlan(weights, unfolded));
    expect(Math.max(...original.map((p, i) => Math.abs(p - (withoutFold[i] as number))))).toBeGreaterThan(1e-2);
  });

  const KEPT = [
    [1, 2, 5],
    [0, 3],
  ];

  it.each<HiddenActivation>(["relu", "tanh"])(
    "(c) %s: in general, equals the original with the removed neurons' activations forced to zero",
    (activation) => {
      const weights = randomMlpWeights(SIZES, 3, activation);
      const plan = handPlan(KEPT.map((kept, l) => ({ kept, originalSize: SIZES[l + 1] as number })));
      const pruned = applyPruningPlan(weights, plan);
      const reference = maskedForwardProbabilities(weights, plan);
      expectAllClose(probabilitiesOf(pruned), reference, SURGERY_TOLERANCE);
      // The reference is not the unpruned network: removing live neurons did change the outputs.
      const unpruned = probabilitiesOf(weights);
      expect(Math.max(...unpruned.map((p, i) => Math.abs(p - (reference[i] as number))))).toBeGreaterThan(1e-2);
    },
  );

  it.each<HiddenActivation>(["relu", "tanh"])(
    "(c) %s: with folding, equals the original with the removed neurons forced to their folded constants",
    (activation) => {
      const weights = randomMlpWeights(SIZES, 4, activation);
      const folded = (size: number, offset: number) => Float64Array.from({ length: size }, (_, j) => offset + 0.37 * j);
      const plan = handPlan(
        KEPT.map((kept, l) => ({
          kept,
          originalSize: SIZES[l + 1] as number,
          foldedValues: folded(SIZES[l + 1] as number, l === 0 ? -0.8 : 0.3),
        })),
      );
      const reference = maskedForwardProbabilities(weights, plan);
      expectAllClose(probabilitiesOf(applyPruningPlan(weights, plan)), reference, SURGERY_TOLERANCE);
      const forcedToZero = maskedForwardProbabilities(weights, {
        ...plan,
        layers: plan.layers.map(({ foldedValues: _, ...layer }) => layer),
      });
      expect(Math.max(...forcedToZero.map((p, i) => Math.abs(p - (reference[i] as number))))).toBeGreaterThan(1e-2);
    },
  );
});

describe("applyPruningPlan: the pruned network", () => {
  const weights = randomMlpWeights(SIZES, 5);
  const plan = handPlan([
    { kept: [1, 2, 5], originalSize: 6 },
    { kept: [0, 3], originalSize: 4 },
  ]);

  it("has kernels of the new shapes and exactly the expected parameter count", () => {
    const pruned = applyPruningPlan(weights, plan);
    expect(pruned.layers.map((layer) => [layer.inputSize, layer.outputSize])).toEqual([
      [5, 3],
      [3, 2],
      [2, 3],
    ]);
    // Before: (5*6 + 6) + (6*4 + 4) + (4*3 + 3) = 79. After: (5*3 + 3) + (3*2 + 2) + (2*3 + 3) = 35.
    expect(parameterCount(weights)).toBe(79);
    expect(parameterCount(pruned)).toBe(35);
    const network = buildMlpNetwork(pruned);
    expect(denseLayers(network).map((layer) => layer.getWeights()[0]?.shape)).toEqual([
      [5, 3],
      [3, 2],
      [2, 3],
    ]);
    expect(network.countParams()).toBe(35);
    network.dispose();
  });

  it("copies exactly the surviving weights, rows and columns, and biases", () => {
    const pruned = applyPruningPlan(weights, plan);
    const keptPerLayer = [
      [0, 1, 2, 3, 4],
      [1, 2, 5],
      [0, 3],
      [0, 1, 2],
    ];
    pruned.layers.forEach((layer, index) => {
      const source = weights.layers[index] as MlpWeights["layers"][0];
      const rows = keptPerLayer[index] as number[];
      const columns = keptPerLayer[index + 1] as number[];
      const expectedKernel = rows.flatMap((row) =>
        columns.map((column) => source.kernel[row * source.outputSize + column]),
      );
      expect(Array.from(layer.kernel)).toEqual(expectedKernel);
      expect(Array.from(layer.bias)).toEqual(columns.map((column) => source.bias[column]));
      expect(layer.activation).toBe(source.activation);
    });
  });

  it("returns the same weights for a plan that keeps everything, and never modifies its input", () => {
    const before = weights.layers.map((layer) => Float32Array.from(layer.kernel));
    const everything = handPlan([
      { kept: [0, 1, 2, 3, 4, 5], originalSize: 6 },
      { kept: [0, 1, 2, 3], originalSize: 4 },
    ]);
    expect(applyPruningPlan(weights, everything)).toEqual(weights);
    applyPruningPlan(weights, plan);
    expect(weights.layers.map((layer) => layer.kernel)).toEqual(before);
  });

  it("rejects a plan that empties a layer with INVALID_THRESHOLD naming the layer", () => {
    const emptied = handPlan([
      { kept: [1], originalSize: 6 },
      { kept: [], originalSize: 4 },
    ]);
    const error = thrown(() => applyPruningPlan(weights, emptied));
    expect(error.code).toBe("INVALID_THRESHOLD");
    expect(error.message).toContain("removes every neuron of hidden layer 2");
  });

  it("rejects a plan for another number of hidden layers with MODEL_SHAPE_MISMATCH", () => {
    const error = thrown(() => applyPruningPlan(weights, handPlan([{ kept: [0], originalSize: 6 }])));
    expect(error.code).toBe("MODEL_SHAPE_MISMATCH");
    expect(error.message).toContain("the pruning plan covers 1 hidden layers but the model has 2");
  });

  it("rejects a plan made for another layer width with MODEL_SHAPE_MISMATCH naming the layer", () => {
    const wrongWidth = handPlan([
      { kept: [0, 1], originalSize: 7 },
      { kept: [0], originalSize: 4 },
    ]);
    const error = thrown(() => applyPruningPlan(weights, wrongWidth));
    expect(error.code).toBe("MODEL_SHAPE_MISMATCH");
    expect(error.message).toContain("hidden layer 1 has 6 neurons but the plan was made for 7");
  });
});
