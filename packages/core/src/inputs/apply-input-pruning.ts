import { DeadweightError } from "../errors.js";
import type { MlpWeights } from "../model/mlp-weights.js";
import type { InputPruningPlan } from "./input-pruning-plan.js";

/**
 * The same network reading only the plan's kept input features: the first layer's kernel loses the
 * removed features' rows and each removed feature i's constant c_i is folded into its bias,
 * b'[j] = b[j] + Σ_removed c_i W[i][j] (float64, stored as float32), the algebra of hidden-neuron
 * folding. Its outputs are unchanged on any input whose removed features equal their constants.
 * Later layers are shared, not copied. Throws MODEL_SHAPE_MISMATCH when the plan was made for
 * another input width.
 */
export function applyInputPruning(weights: MlpWeights, plan: InputPruningPlan): MlpWeights {
  const first = weights.layers[0];
  if (first === undefined) {
    throw new DeadweightError("MODEL_SHAPE_MISMATCH", "cannot prune the inputs of a network without layers");
  }
  if (first.inputSize !== plan.originalWidth || plan.foldedValues.length !== plan.originalWidth) {
    throw new DeadweightError(
      "MODEL_SHAPE_MISMATCH",
      `the input pruning plan was made for ${plan.originalWidth} input features but the network takes ${first.inputSize}`,
    );
  }
  const { outputSize } = first;
  const keptSet = new Set(plan.kept);
  const kernel = new Float32Array(plan.kept.length * outputSize);
  plan.kept.forEach((feature, row) => {
    kernel.set(first.kernel.subarray(feature * outputSize, (feature + 1) * outputSize), row * outputSize);
  });
  const bias = Float64Array.from(first.bias);
  for (let feature = 0; feature < first.inputSize; feature++) {
    if (keptSet.has(feature)) continue;
    const constant = plan.foldedValues[feature] as number;
    if (constant === 0) continue;
    const source = feature * outputSize;
    for (let neuron = 0; neuron < outputSize; neuron++) {
      bias[neuron] = (bias[neuron] as number) + constant * (first.kernel[source + neuron] as number);
    }
  }
  return {
    layers: [
      { ...first, inputSize: plan.kept.length, kernel, bias: Float32Array.from(bias) },
      ...weights.layers.slice(1),
    ],
  };
}
