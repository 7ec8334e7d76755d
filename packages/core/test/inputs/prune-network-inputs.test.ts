import { thrownDeadweightError as thrown } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import { type DataSplit, splitDataset } from "../../src/data/data-split.js";
import type { Dataset } from "../../src/data/dataset.js";
import { scaleDataSplit, splitFeatureScaling } from "../../src/data/scale-data-split.js";
import { inputPruningRecord, pruneNetworkInputs } from "../../src/inputs/prune-network-inputs.js";
import { pruneSplitInputs } from "../../src/inputs/prune-split-inputs.js";
import { parameterCount } from "../../src/model/mlp-weights.js";
import { randomMlpWeights } from "../mlp-fixtures.js";

/** 3 features x 20 samples, named: "a" = sample index, "b" constant 5, "c" = index mod 4. */
function named(name: string, count: number): Dataset {
  const features = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) features.set([i, 5, i % 4], i * 3);
  return {
    name,
    features,
    labels: Int32Array.from({ length: count }, (_, i) => i % 2),
    featureCount: 3,
    classCount: 2,
    featureNames: ["a", "b", "c"],
  };
}

const SPLIT: DataSplit = scaleDataSplit(splitDataset(named("train", 20), named("test", 8)), "standard");

describe("pruneNetworkInputs", () => {
  it("drops the input constant on validation, narrows every part (scaled and raw) and the scaling, and keeps the full-width raw test set", () => {
    const weights = randomMlpWeights([3, 4, 2], 2);
    const pruned = pruneNetworkInputs(weights, SPLIT, 0);
    expect(pruned.contract).toEqual({ originalWidth: 3, keptFeatures: [0, 2], featureNames: ["a", "c"] });
    expect(pruned.weights.layers[0]?.inputSize).toBe(2);
    expect(parameterCount(pruned.weights)).toBe(parameterCount(weights) - 4);
    const { split } = pruned;
    for (const part of [split.train, split.validation, split.test]) expect(part.featureCount).toBe(2);
    expect(split.inputScaling?.raw.test.featureNames).toEqual(["a", "c"]);
    expect(Array.from(split.inputScaling?.raw.test.features.subarray(0, 4) ?? [])).toEqual([0, 0, 1, 1]);
    const scaling = splitFeatureScaling(split);
    const full = splitFeatureScaling(SPLIT);
    expect(scaling.offset).toEqual([full.offset[0], full.offset[2]]);
    expect(scaling.scale).toEqual([full.scale[0], full.scale[2]]);
    expect(split.inputPruning?.fullWidthRawTest).toBe(SPLIT.inputScaling?.raw.test);
    expect(inputPruningRecord(pruned)).toEqual({
      stdThreshold: 0,
      originalWidth: 3,
      keptCount: 2,
      keptFeatures: [0, 2],
    });
  });

  it("refuses to prune a split's inputs twice", () => {
    const once = pruneSplitInputs(SPLIT, { originalWidth: 3, keptFeatures: [0, 2] });
    expect(thrown(() => pruneSplitInputs(once, { originalWidth: 2, keptFeatures: [0] })).code).toBe("INVALID_OPTION");
  });
});
