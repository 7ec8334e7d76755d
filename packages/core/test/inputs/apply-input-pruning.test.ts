import { thrownDeadweightError as thrown } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import type { Dataset } from "../../src/data/dataset.js";
import { applyInputPruning } from "../../src/inputs/apply-input-pruning.js";
import { applyInputContract, inputContractOf } from "../../src/inputs/input-contract.js";
import { measureInputFeatures } from "../../src/inputs/input-feature-stats.js";
import { planInputPruning } from "../../src/inputs/input-pruning-plan.js";
import { buildMlpNetwork } from "../../src/model/mlp-network.js";
import { type MlpWeights, parameterCount } from "../../src/model/mlp-weights.js";
import { expectAllClose } from "../float-comparison.js";
import { denseLayer, predictProbabilities, randomMlpWeights } from "../mlp-fixtures.js";
import { randomFeatures } from "../synthetic-datasets.js";
import { expectNoTensorLeak } from "../tensor-leaks.js";

/**
 * Same tolerance and reasoning as the hidden-neuron surgery (SURGERY_TOLERANCE in
 * apply-pruning-plan.test.ts): the fold is exact in real arithmetic, float32 sums it in another order
 * (logits move by an ulp or two); a wrong row or a missing fold moves probabilities by 1e-2 or more.
 */
const SURGERY_TOLERANCE = { relative: 1e-6, absolute: 1e-7 };

/** 6 features x 64 samples, random in [-1, 1), except feature 1 = 0.5, feature 3 = -2 and feature 4 = 0 everywhere. */
const WIDTH = 6;
const SAMPLES = 64;
const CONSTANTS = new Map([
  [1, 0.5],
  [3, -2],
  [4, 0],
]);
const FEATURES = randomFeatures(SAMPLES, WIDTH, 7);
for (let sample = 0; sample < SAMPLES; sample++) {
  for (const [feature, value] of CONSTANTS) FEATURES[sample * WIDTH + feature] = value;
}
const DATA: Dataset = {
  name: "constants",
  features: FEATURES,
  labels: new Int32Array(SAMPLES),
  featureCount: WIDTH,
  classCount: 3,
};

function probabilitiesOf(weights: MlpWeights, features: Float32Array, width: number): Float32Array {
  const network = buildMlpNetwork(weights);
  try {
    return predictProbabilities(network, features, width);
  } finally {
    network.dispose();
  }
}

describe("applyInputPruning", () => {
  it("removes the kernel rows of the removed inputs and folds constant x weights into the bias (hand-computed)", () => {
    // 3 inputs -> 2 neurons, kernel rows [1, 2], [3, 4], [5, 6], bias [0.5, -1]; input 1 is removed with constant 2.
    const weights: MlpWeights = {
      layers: [
        denseLayer(3, 2, [1, 2, 3, 4, 5, 6], [0.5, -1], "relu"),
        denseLayer(2, 2, [1, 0, 0, 1], [0, 0], "softmax"),
      ],
    };
    const pruned = applyInputPruning(weights, {
      originalWidth: 3,
      kept: [0, 2],
      foldedValues: [9, 2, 9],
      stdThreshold: 0,
    });
    const first = pruned.layers[0];
    expect(first?.inputSize).toBe(2);
    expect(Array.from(first?.kernel ?? [])).toEqual([1, 2, 5, 6]);
    // b' = b + 2 * [3, 4] = [6.5, 7], exact in float32.
    expect(Array.from(first?.bias ?? [])).toEqual([6.5, 7]);
    expect(pruned.layers[1]).toBe(weights.layers[1]);
    expect(parameterCount(pruned)).toBe(parameterCount(weights) - 2);
  });

  it("gives the same outputs as the full network on data whose removed inputs are constant", async () => {
    const weights = randomMlpWeights([WIDTH, 5, 4, 3], 11);
    const plan = planInputPruning(measureInputFeatures(DATA), 0);
    expect(plan.kept).toEqual([0, 2, 5]);
    const pruned = applyInputPruning(weights, plan);
    const contract = inputContractOf(plan);
    const [full, narrow] = await expectNoTensorLeak(() => [
      probabilitiesOf(weights, FEATURES, WIDTH),
      probabilitiesOf(pruned, applyInputContract(FEATURES, WIDTH, contract), 3),
    ]);
    expectAllClose(narrow as Float32Array, full as Float32Array, SURGERY_TOLERANCE);
  });

  it("changes the outputs when a removed input was not constant (the fixture can tell a wrong fold)", () => {
    const weights = randomMlpWeights([WIDTH, 5, 4, 3], 11);
    // Feature 0 varies: folding its mean in its place is an approximation, not the same network.
    const plan = {
      originalWidth: WIDTH,
      kept: [1, 2, 3, 4, 5],
      foldedValues: Array.from({ length: WIDTH }, () => 0),
      stdThreshold: 1,
    };
    const pruned = applyInputPruning(weights, plan);
    const full = probabilitiesOf(weights, FEATURES, WIDTH);
    const narrow = probabilitiesOf(pruned, applyInputContract(FEATURES, WIDTH, inputContractOf(plan)), 5);
    const largest = Math.max(...full.map((value, index) => Math.abs(value - (narrow[index] as number))));
    expect(largest).toBeGreaterThan(1e-2);
  });

  it("refuses a plan made for another input width", () => {
    const weights = randomMlpWeights([4, 3, 2], 1);
    const error = thrown(() =>
      applyInputPruning(weights, { originalWidth: 5, kept: [0], foldedValues: [0, 0, 0, 0, 0], stdThreshold: 0 }),
    );
    expect(error.code).toBe("MODEL_SHAPE_MISMATCH");
    expect(error.message).toContain("made for 5 input features but the network takes 4");
  });
});
