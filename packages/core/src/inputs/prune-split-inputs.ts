import type { DataSplit } from "../data/data-split.js";
import type { FeatureScaling } from "../data/feature-scaling.js";
import { rawSplitParts } from "../data/scale-data-split.js";
import { DeadweightError } from "../errors.js";
import { applyInputContractToDataset, type InputContract } from "./input-contract.js";

/**
 * The split as a network with pruned inputs sees it: every part (scaled and raw) reduced to the
 * contract's kept features, the feature scaling reduced to theirs, and the full-width raw test set
 * kept for verifying exported models. Throws INVALID_OPTION when the split's inputs are already pruned.
 */
export function pruneSplitInputs(split: DataSplit, contract: InputContract): DataSplit {
  if (split.inputPruning !== undefined) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `the split of "${split.train.name}" already has pruned inputs; prune the full-width split once`,
    );
  }
  const narrow = (parts: {
    train: DataSplit["train"];
    validation: DataSplit["validation"];
    test: DataSplit["test"];
  }) => ({
    train: applyInputContractToDataset(parts.train, contract),
    validation: applyInputContractToDataset(parts.validation, contract),
    test: applyInputContractToDataset(parts.test, contract),
  });
  const fullWidthRawTest = rawSplitParts(split).test;
  return {
    ...narrow(split),
    record: split.record,
    ...(split.inputScaling === undefined
      ? {}
      : {
          inputScaling: {
            scaling: narrowScaling(split.inputScaling.scaling, contract),
            raw: narrow(split.inputScaling.raw),
          },
        }),
    inputPruning: { contract, fullWidthRawTest },
  };
}

/** The scaling of the kept features only; constantFeatures renumbered to their new positions. */
function narrowScaling(scaling: FeatureScaling, contract: InputContract): FeatureScaling {
  const kept = contract.keptFeatures;
  const constant = new Set(scaling.constantFeatures);
  return {
    method: scaling.method,
    offset: kept.map((feature) => scaling.offset[feature] as number),
    scale: kept.map((feature) => scaling.scale[feature] as number),
    constantFeatures: kept.flatMap((feature, position) => (constant.has(feature) ? [position] : [])),
  };
}
