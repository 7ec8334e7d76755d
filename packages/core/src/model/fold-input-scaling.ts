import { DeadweightError } from "../errors.js";
import type { DenseLayerWeights, MlpWeights } from "./mlp-weights.js";

/**
 * Per input feature of a network's first layer: x' = (x - offset[i]) / scale[i]. Vectors, not a
 * fitted object, so a caller that removes input features keeps the entries of the features it keeps.
 */
export interface InputScaling {
  readonly offset: ArrayLike<number>;
  readonly scale: ArrayLike<number>;
}

/**
 * The same network taking raw features: the scaling is folded into the first Dense layer, per input
 * feature i and neuron j, as W'[i][j] = W[i][j] / scale[i] and b'[j] = b[j] - Σ_i (offset[i] /
 * scale[i]) W[i][j] (computed in float64, stored as float32). Later layers are shared, not copied.
 * Folding touches rows (input features) and pruning columns (neurons), so the two commute. Throws
 * INVALID_OPTION when the vectors do not match the first layer's inputs or a scale is not finite and > 0.
 */
export function foldInputScaling(weights: MlpWeights, scaling: InputScaling): MlpWeights {
  return rescaleFirstLayer(weights, scaling, "fold");
}

/**
 * The inverse of foldInputScaling: the network that expects scaled features again, W = W' · scale and
 * b = b' + Σ_i offset[i] W'[i] (float64, stored as float32; exact up to float32 rounding). For a model
 * stored with its scaling folded in that must be trained or measured on scaled features again.
 */
export function unfoldInputScaling(weights: MlpWeights, scaling: InputScaling): MlpWeights {
  return rescaleFirstLayer(weights, scaling, "unfold");
}

/**
 * Both directions share one loop: each is written in terms of the folded weight W'[i][j] = W[i][j] /
 * scale[i] (computed when folding, given when unfolding), whose offset-weighted sum per neuron moves
 * the bias down when folding and back up when unfolding.
 */
function rescaleFirstLayer(weights: MlpWeights, scaling: InputScaling, direction: "fold" | "unfold"): MlpWeights {
  const first = firstLayerFor(weights, scaling);
  if (isIdentity(scaling)) return weights;
  const folding = direction === "fold";
  const { inputSize, outputSize } = first;
  const kernel = new Float32Array(first.kernel.length);
  const shift = new Float64Array(outputSize);
  for (let input = 0; input < inputSize; input++) {
    const scale = scaling.scale[input] as number;
    const offset = scaling.offset[input] as number;
    for (let neuron = 0; neuron < outputSize; neuron++) {
      const stored = first.kernel[input * outputSize + neuron] as number;
      const folded = folding ? stored / scale : stored;
      kernel[input * outputSize + neuron] = folding ? folded : stored * scale;
      shift[neuron] = (shift[neuron] as number) + offset * folded;
    }
  }
  const sign = folding ? -1 : 1;
  const bias = Float32Array.from(first.bias, (value, neuron) => value + sign * (shift[neuron] as number));
  return { layers: [{ ...first, kernel, bias }, ...weights.layers.slice(1)] };
}

function firstLayerFor(weights: MlpWeights, scaling: InputScaling): DenseLayerWeights {
  const first = weights.layers[0];
  if (first === undefined) {
    throw new DeadweightError("INVALID_OPTION", "cannot fold an input scaling into a network without layers");
  }
  if (scaling.offset.length !== first.inputSize || scaling.scale.length !== first.inputSize) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `the input scaling has ${scaling.offset.length} offsets and ${scaling.scale.length} scales but the first layer takes ${first.inputSize} inputs; give one of each per input feature`,
    );
  }
  for (let input = 0; input < first.inputSize; input++) {
    const scale = scaling.scale[input] as number;
    if (!(Number.isFinite(scale) && scale > 0)) {
      throw new DeadweightError(
        "INVALID_OPTION",
        `input scaling scale[${input}] is ${scale}; every scale must be a finite number > 0 (a constant feature takes scale 1)`,
      );
    }
    if (!Number.isFinite(scaling.offset[input] as number)) {
      throw new DeadweightError(
        "INVALID_OPTION",
        `input scaling offset[${input}] is ${scaling.offset[input]}; every offset must be a finite number`,
      );
    }
  }
  return first;
}

/** Offset 0 and scale 1 everywhere: folding would only round, so the weights are returned as they are. */
function isIdentity(scaling: InputScaling): boolean {
  for (let input = 0; input < scaling.scale.length; input++) {
    if (scaling.offset[input] !== 0 || scaling.scale[input] !== 1) return false;
  }
  return true;
}
