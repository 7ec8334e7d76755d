import * as tf from "@tensorflow/tfjs";
import { DeadweightError } from "../errors.js";
import type { AdamState } from "./training-checkpoint.js";

/**
 * Adam keeps its bias-correction powers beta^(t+1) in two private variables, multiplied by beta at
 * every step; setWeights() recomputes them as pow(beta, t+1), which differs from the running product
 * in the last bits. Reading and writing them directly keeps a resumed run bit-identical. Pinned to
 * TF.js 4.22's AdamOptimizer: if its fields change, this fails loudly (the checkpoint tests catch it).
 */
interface AdamInternals {
  readonly accBeta1: tf.Variable;
  readonly accBeta2: tf.Variable;
}

function internalsOf(optimizer: tf.AdamOptimizer): AdamInternals {
  const internals = optimizer as unknown as Partial<AdamInternals>;
  if (!(internals.accBeta1 instanceof tf.Variable) || !(internals.accBeta2 instanceof tf.Variable)) {
    throw new DeadweightError(
      "INVALID_CHECKPOINT",
      "this TensorFlow.js AdamOptimizer keeps no accBeta1/accBeta2 variables: checkpoints need updating for it",
    );
  }
  return internals as AdamInternals;
}

/** Copies Adam's state out of its tensors (the optimizer must have taken at least one step, or none at all). */
export async function readAdamState(optimizer: tf.AdamOptimizer, variableCount: number): Promise<AdamState> {
  const { accBeta1, accBeta2 } = internalsOf(optimizer);
  const named = await optimizer.getWeights();
  // The first entry is a fresh int32 scalar of the step count; the moments are the optimizer's own variables.
  const iterations = named[0] as { readonly name: string; readonly tensor: tf.Tensor };
  const moments = named.slice(1).map((entry) => entry.tensor);
  try {
    if (moments.length !== 2 * variableCount && moments.length !== 0) {
      throw new DeadweightError(
        "INVALID_CHECKPOINT",
        `Adam holds ${moments.length} moments, expected ${2 * variableCount} (two per trainable variable)`,
      );
    }
    const copies = moments.map((moment) => new Float32Array(moment.dataSync()));
    return {
      iterations: iterations.tensor.dataSync()[0] as number,
      beta1Power: accBeta1.dataSync()[0] as number,
      beta2Power: accBeta2.dataSync()[0] as number,
      firstMoments: copies.slice(0, variableCount),
      secondMoments: copies.slice(variableCount),
    };
  } finally {
    iterations.tensor.dispose();
  }
}

/** Gives a fresh Adam optimizer the state `state` for `variables` (the same variables, in the same order, it was read for). */
export async function restoreAdamState(
  optimizer: tf.AdamOptimizer,
  state: AdamState,
  variables: readonly tf.Variable[],
): Promise<void> {
  const { accBeta1, accBeta2 } = internalsOf(optimizer);
  if (state.iterations === 0) return;
  if (state.firstMoments.length !== variables.length || state.secondMoments.length !== variables.length) {
    throw new DeadweightError(
      "INVALID_CHECKPOINT",
      `the checkpoint holds Adam moments for ${state.firstMoments.length} variables, the network has ${variables.length}`,
    );
  }
  variables.forEach((variable, index) => {
    for (const moments of [state.firstMoments, state.secondMoments]) {
      if (moments[index]?.length !== variable.size) {
        throw new DeadweightError(
          "INVALID_CHECKPOINT",
          `Adam moment ${index} has ${moments[index]?.length} values, variable ${variable.name} has ${variable.size}`,
        );
      }
    }
  });
  // The names are Adam's own ("<variable>/m", "<variable>/v"): it only uses them to save again.
  const named = [
    { name: "iter", tensor: tf.scalar(state.iterations, "int32") },
    ...variables.map((variable, index) => ({
      name: `${variable.name}/m`,
      tensor: tf.tensor(state.firstMoments[index] as Float32Array, variable.shape),
    })),
    ...variables.map((variable, index) => ({
      name: `${variable.name}/v`,
      tensor: tf.tensor(state.secondMoments[index] as Float32Array, variable.shape),
    })),
  ];
  try {
    // setWeights makes its own variables over these tensors' data; ours are released below.
    await optimizer.setWeights(named);
    tf.tidy(() => {
      accBeta1.assign(tf.scalar(state.beta1Power));
      accBeta2.assign(tf.scalar(state.beta2Power));
    });
  } finally {
    tf.dispose(named.map((entry) => entry.tensor));
  }
}
