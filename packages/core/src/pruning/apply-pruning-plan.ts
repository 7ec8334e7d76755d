import { DeadweightError } from "../errors.js";
import type { DenseLayerWeights, MlpWeights } from "../model/mlp-weights.js";
import type { PruningPlan } from "./pruning-plan.js";

/**
 * Surgery: builds the parameters of a genuinely smaller network (kernels of the new shapes) holding
 * the surviving weights. For a plan with folded values, each removed neuron j of layer l is replaced
 * by its constant c_j: next_bias += c_j * W_{l+1}[j, :], so the network's output is unchanged if the
 * neuron really was constant. Throws INVALID_THRESHOLD if the plan empties a layer.
 */
export function applyPruningPlan(weights: MlpWeights, plan: PruningPlan): MlpWeights {
  const hiddenCount = weights.layers.length - 1;
  if (plan.layers.length !== hiddenCount) {
    throw new DeadweightError(
      "MODEL_SHAPE_MISMATCH",
      `the pruning plan covers ${plan.layers.length} hidden layers but the model has ${hiddenCount}`,
    );
  }
  if (plan.emptiedLayers.length > 0) {
    throw new DeadweightError(
      "INVALID_THRESHOLD",
      `this threshold removes every neuron of hidden layer ${plan.emptiedLayers.map((l) => l + 1).join(", ")}: no network is left to build; choose a smaller threshold`,
    );
  }
  const layers = weights.layers.map((layer, index): DenseLayerWeights => {
    const inputPlan = plan.layers[index - 1];
    const outputPlan = plan.layers[index];
    if (outputPlan !== undefined && outputPlan.originalSize !== layer.outputSize) {
      throw new DeadweightError(
        "MODEL_SHAPE_MISMATCH",
        `hidden layer ${index + 1} has ${layer.outputSize} neurons but the plan was made for ${outputPlan.originalSize}`,
      );
    }
    const rows = inputPlan?.kept ?? range(layer.inputSize);
    const columns = outputPlan?.kept ?? range(layer.outputSize);
    const kernel = new Float32Array(rows.length * columns.length);
    rows.forEach((row, newRow) => {
      const source = row * layer.outputSize;
      const target = newRow * columns.length;
      columns.forEach((column, newColumn) => {
        kernel[target + newColumn] = layer.kernel[source + column] as number;
      });
    });
    const bias = new Float64Array(columns.map((column) => layer.bias[column] as number));
    if (inputPlan?.foldedValues !== undefined) {
      const keptSet = new Set(inputPlan.kept);
      for (let removed = 0; removed < layer.inputSize; removed++) {
        if (keptSet.has(removed)) continue;
        const constant = inputPlan.foldedValues[removed] as number;
        if (constant === 0) continue;
        const source = removed * layer.outputSize;
        columns.forEach((column, newColumn) => {
          bias[newColumn] = (bias[newColumn] as number) + constant * (layer.kernel[source + column] as number);
        });
      }
    }
    return {
      inputSize: rows.length,
      outputSize: columns.length,
      kernel,
      bias: Float32Array.from(bias),
      activation: layer.activation,
    };
  });
  return { layers };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
