import { thrownDeadweightError as thrown } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import type { Dataset } from "../../src/data/dataset.js";
import {
  applyInputContract,
  applyInputContractToDataset,
  type InputContract,
  inputContractOf,
} from "../../src/inputs/input-contract.js";
import {
  encodeInputContract,
  INPUT_CONTRACT_FILE_NAME,
  parseInputContract,
} from "../../src/inputs/input-contract-file.js";

/** Of 4 original features, the model reads features 1 and 3, in that order. */
const CONTRACT: InputContract = { originalWidth: 4, keptFeatures: [1, 3] };

describe("applyInputContract", () => {
  it("selects the kept columns of every sample, in order", () => {
    const features = Float32Array.from([10, 11, 12, 13, 20, 21, 22, 23]);
    expect(Array.from(applyInputContract(features, 4, CONTRACT))).toEqual([11, 13, 21, 23]);
  });

  it("refuses input of another width, naming both widths and what to do", () => {
    const error = thrown(() => applyInputContract(new Float32Array(6), 3, CONTRACT));
    expect(error.code).toBe("MODEL_SHAPE_MISMATCH");
    expect(error.message).toBe(
      "the input is 3 features wide but this model reads 2 of the original 4 features; pass the full 4-wide input through applyInputContract (input-contract.json lists the kept features in order).",
    );
  });

  it("says so when the input is already narrowed to the kept features", () => {
    const error = thrown(() => applyInputContract(new Float32Array(4), 2, CONTRACT));
    expect(error.message).toContain("already narrowed to the kept features: feed it to the model directly");
  });

  it("refuses values that do not fill whole samples", () => {
    expect(thrown(() => applyInputContract(new Float32Array(6), 4, CONTRACT)).message).toContain(
      "not a whole number of 4-feature samples",
    );
  });

  it("narrows a dataset with its feature names", () => {
    const dataset: Dataset = {
      name: "named",
      features: Float32Array.from([1, 2, 3, 4]),
      labels: Int32Array.from([1]),
      featureCount: 4,
      classCount: 2,
      featureNames: ["a", "b", "c", "d"],
    };
    const narrowed = applyInputContractToDataset(dataset, CONTRACT);
    expect(narrowed.featureCount).toBe(2);
    expect(Array.from(narrowed.features)).toEqual([2, 4]);
    expect(narrowed.featureNames).toEqual(["b", "d"]);
    expect(narrowed.labels).toBe(dataset.labels);
  });
});

describe("inputContractOf", () => {
  it("takes the plan's kept features and, when the data named them, their names", () => {
    const plan = { originalWidth: 3, kept: [0, 2], foldedValues: [0, 1, 0], stdThreshold: 0 };
    expect(inputContractOf(plan)).toEqual({ originalWidth: 3, keptFeatures: [0, 2] });
    expect(inputContractOf(plan, ["x", "y", "z"])).toEqual({
      originalWidth: 3,
      keptFeatures: [0, 2],
      featureNames: ["x", "z"],
    });
  });
});

describe("input-contract.json", () => {
  it("round-trips a contract, names included", () => {
    const named = { ...CONTRACT, featureNames: ["b", "d"] };
    const file = encodeInputContract(named);
    expect(file.name).toBe(INPUT_CONTRACT_FILE_NAME);
    expect(parseInputContract(file.bytes)).toEqual(named);
    expect(parseInputContract(encodeInputContract(CONTRACT).bytes)).toEqual(CONTRACT);
  });

  it.each([
    ["not JSON", "{", "is not valid JSON"],
    ["another format", '{"format":"x"}', "not a deadweight-input-contract file"],
    ["a later version", '{"format":"deadweight-input-contract","version":2}', "version 2 is not supported"],
    [
      "unsorted indices",
      '{"format":"deadweight-input-contract","version":1,"originalWidth":4,"keptFeatures":[3,1]}',
      "keptFeatures[1] is 1",
    ],
    [
      "an index outside the width",
      '{"format":"deadweight-input-contract","version":1,"originalWidth":4,"keptFeatures":[4]}',
      "integers in 0..3",
    ],
  ])("refuses %s", (_, text, message) => {
    const error = thrown(() => parseInputContract(new TextEncoder().encode(text), "m/input-contract.json"));
    expect(error.code).toBe("MODEL_SHAPE_MISMATCH");
    expect(error.message).toContain("m/input-contract.json");
    expect(error.message).toContain(message);
  });
});
