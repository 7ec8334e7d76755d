import { DeadweightError } from "../errors.js";

export type HiddenActivation = "relu" | "tanh";

/** The architecture of a fully connected classifier: input -> hidden layers -> softmax over classes. */
export interface MlpSpec {
  readonly inputSize: number;
  readonly hiddenSizes: readonly number[];
  readonly activation: HiddenActivation;
  readonly classCount: number;
}

/** Throws INVALID_MODEL_SPEC naming the field when a spec cannot describe a network. */
export function assertValidMlpSpec(spec: MlpSpec): void {
  if (!Number.isInteger(spec.inputSize) || spec.inputSize <= 0) {
    throw new DeadweightError("INVALID_MODEL_SPEC", `inputSize must be a positive integer, got ${spec.inputSize}`);
  }
  if (spec.hiddenSizes.length === 0) {
    throw new DeadweightError(
      "INVALID_MODEL_SPEC",
      "hiddenSizes is empty: the network needs at least one hidden layer to prune",
    );
  }
  spec.hiddenSizes.forEach((size, index) => {
    if (!Number.isInteger(size) || size <= 0) {
      throw new DeadweightError("INVALID_MODEL_SPEC", `hiddenSizes[${index}] must be a positive integer, got ${size}`);
    }
  });
  if (spec.activation !== "relu" && spec.activation !== "tanh") {
    throw new DeadweightError(
      "INVALID_MODEL_SPEC",
      `activation must be "relu" or "tanh", got "${String(spec.activation)}"`,
    );
  }
  if (!Number.isInteger(spec.classCount) || spec.classCount < 2) {
    throw new DeadweightError("INVALID_MODEL_SPEC", `classCount must be an integer >= 2, got ${spec.classCount}`);
  }
}
