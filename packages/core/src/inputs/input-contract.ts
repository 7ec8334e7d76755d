import type { Dataset } from "../data/dataset.js";
import { DeadweightError } from "../errors.js";
import type { InputPruningPlan } from "./input-pruning-plan.js";

/**
 * What a model with pruned inputs reads: of the `originalWidth` features of the data it was built
 * on, only `keptFeatures` (original 0-based indices), in that order. Apply it to full-width inputs
 * with applyInputContract before predicting.
 */
export interface InputContract {
  readonly originalWidth: number;
  readonly keptFeatures: readonly number[];
  /** The kept features' names (a CSV header), in the same order; absent when the data named none. */
  readonly featureNames?: readonly string[];
}

/** The contract of a network pruned by `plan`, with the kept features' names when the data has names. */
export function inputContractOf(plan: InputPruningPlan, featureNames?: readonly string[]): InputContract {
  const contract: InputContract = { originalWidth: plan.originalWidth, keptFeatures: [...plan.kept] };
  if (featureNames === undefined || featureNames.length !== plan.originalWidth) return contract;
  return { ...contract, featureNames: plan.kept.map((feature) => featureNames[feature] as string) };
}

/** One sentence a person can act on: what the model reads and how to feed it. */
export function describeInputContract(contract: InputContract): string {
  return `this model reads ${contract.keptFeatures.length} of the original ${contract.originalWidth} features; pass the full ${contract.originalWidth}-wide input through applyInputContract (input-contract.json lists the kept features in order)`;
}

/**
 * Selects the contract's kept columns, in order, from row-major samples `width` features wide.
 * Throws MODEL_SHAPE_MISMATCH naming both widths when `width` is not the contract's original width
 * (including input already narrowed to the kept features) or the values do not fill whole rows.
 */
export function applyInputContract(features: Float32Array, width: number, contract: InputContract): Float32Array {
  assertFullWidth(width, contract, "the input");
  if (features.length % width !== 0) {
    throw new DeadweightError(
      "MODEL_SHAPE_MISMATCH",
      `the input holds ${features.length} values, not a whole number of ${width}-feature samples`,
    );
  }
  const rows = features.length / width;
  const kept = contract.keptFeatures;
  const selected = new Float32Array(rows * kept.length);
  for (let row = 0; row < rows; row++) {
    const source = row * width;
    const target = row * kept.length;
    for (let column = 0; column < kept.length; column++) {
      selected[target + column] = features[source + (kept[column] as number)] as number;
    }
  }
  return selected;
}

/** applyInputContract for a whole dataset: the same samples, reading only the kept features (names kept in step). */
export function applyInputContractToDataset(dataset: Dataset, contract: InputContract): Dataset {
  assertFullWidth(dataset.featureCount, contract, `dataset "${dataset.name}"`);
  const narrowed: Dataset = {
    name: dataset.name,
    features: applyInputContract(dataset.features, dataset.featureCount, contract),
    labels: dataset.labels,
    featureCount: contract.keptFeatures.length,
    classCount: dataset.classCount,
    ...(dataset.classNames === undefined ? {} : { classNames: dataset.classNames }),
  };
  if (dataset.featureNames === undefined) return narrowed;
  const names = dataset.featureNames;
  return { ...narrowed, featureNames: contract.keptFeatures.map((feature) => names[feature] as string) };
}

/**
 * Checks a contract is usable: a positive original width and strictly ascending kept indices inside
 * it, at least one. Throws MODEL_SHAPE_MISMATCH naming `sourceName` and the broken field.
 */
export function assertValidInputContract(contract: InputContract, sourceName: string): void {
  const { originalWidth, keptFeatures, featureNames } = contract;
  if (!(Number.isInteger(originalWidth) && originalWidth > 0)) {
    throw new DeadweightError(
      "MODEL_SHAPE_MISMATCH",
      `${sourceName}: originalWidth must be a positive integer, got ${String(originalWidth)}`,
    );
  }
  if (!Array.isArray(keptFeatures) || keptFeatures.length === 0) {
    throw new DeadweightError("MODEL_SHAPE_MISMATCH", `${sourceName}: keptFeatures must list at least one feature`);
  }
  keptFeatures.forEach((feature, index) => {
    const previous = index === 0 ? -1 : (keptFeatures[index - 1] as number);
    if (!(Number.isInteger(feature) && feature > previous && feature < originalWidth)) {
      throw new DeadweightError(
        "MODEL_SHAPE_MISMATCH",
        `${sourceName}: keptFeatures[${index}] is ${String(feature)}; kept features must be strictly ascending integers in 0..${originalWidth - 1}`,
      );
    }
  });
  if (featureNames !== undefined && featureNames.length !== keptFeatures.length) {
    throw new DeadweightError(
      "MODEL_SHAPE_MISMATCH",
      `${sourceName}: ${featureNames.length} feature names for ${keptFeatures.length} kept features; give one name per kept feature or none`,
    );
  }
}

function assertFullWidth(width: number, contract: InputContract, what: string): void {
  if (width === contract.originalWidth) return;
  const already =
    width === contract.keptFeatures.length
      ? ` It looks already narrowed to the kept features: feed it to the model directly.`
      : "";
  throw new DeadweightError(
    "MODEL_SHAPE_MISMATCH",
    `${what} is ${width} features wide but ${describeInputContract(contract)}.${already}`,
  );
}
