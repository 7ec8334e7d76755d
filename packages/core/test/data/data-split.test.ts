import { thrownDeadweightError as thrown } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import { splitDataset } from "../../src/data/data-split.js";
import { type Dataset, sampleCount } from "../../src/data/dataset.js";

/** `count` samples of `featureCount` features; sample i's features all equal i, its label is i % classCount. */
function numbered(name: string, count: number, featureCount = 2, classCount = 3): Dataset {
  const features = new Float32Array(count * featureCount);
  for (let i = 0; i < features.length; i++) features[i] = Math.floor(i / featureCount);
  const labels = Int32Array.from({ length: count }, (_, i) => i % classCount);
  return { name, features, labels, featureCount, classCount };
}

describe("splitDataset", () => {
  it("holds out the last 10% of the training source as validation by default", () => {
    const split = splitDataset(numbered("src", 50), numbered("tst", 7));
    expect(sampleCount(split.train)).toBe(45);
    expect(sampleCount(split.validation)).toBe(5);
    expect(sampleCount(split.test)).toBe(7);
    expect(split.train.features[0]).toBe(0);
    expect(split.validation.features[0]).toBe(45);
    expect(split.test.features[0]).toBe(0);
  });

  it("records which source samples each part is", () => {
    const { record } = splitDataset(numbered("src", 50), numbered("tst", 7), { validationFraction: 0.2 });
    expect(record).toEqual({
      train: { source: "src", from: 0, to: 40 },
      validation: { source: "src", from: 40, to: 50 },
      test: { source: "tst", from: 0, to: 7 },
    });
  });

  it("names each part after its source", () => {
    const split = splitDataset(numbered("src", 20), numbered("tst", 5));
    expect(split.train.name).toBe("src (train)");
    expect(split.validation.name).toBe("src (validation)");
    expect(split.test.name).toBe("tst (test)");
  });

  it("holds out at least one validation sample", () => {
    const split = splitDataset(numbered("src", 3), numbered("tst", 1));
    expect(sampleCount(split.validation)).toBe(1);
    expect(sampleCount(split.train)).toBe(2);
  });

  it("limits the training source to its first maxTrainSamples before splitting", () => {
    const split = splitDataset(numbered("src", 100), numbered("tst", 10), { maxTrainSamples: 30 });
    expect(split.record.train).toEqual({ source: "src", from: 0, to: 27 });
    expect(split.record.validation).toEqual({ source: "src", from: 27, to: 30 });
    expect(split.validation.features[0]).toBe(27);
  });

  it("limits the test source to its first maxTestSamples", () => {
    const split = splitDataset(numbered("src", 20), numbered("tst", 10), { maxTestSamples: 4 });
    expect(sampleCount(split.test)).toBe(4);
    expect(split.record.test).toEqual({ source: "tst", from: 0, to: 4 });
  });

  it("ignores limits larger than the sources", () => {
    const split = splitDataset(numbered("src", 20), numbered("tst", 10), {
      maxTrainSamples: 1000,
      maxTestSamples: 1000,
    });
    expect(split.record.validation.to).toBe(20);
    expect(split.record.test.to).toBe(10);
  });

  it("gives every part the larger class count of the two sources", () => {
    const split = splitDataset(numbered("src", 20, 2, 3), numbered("tst", 10, 2, 5));
    expect([split.train.classCount, split.validation.classCount, split.test.classCount]).toEqual([5, 5, 5]);
  });

  it.each([0, 1, -0.1, 1.5, Number.NaN])("rejects validationFraction %s", (validationFraction) => {
    const error = thrown(() => splitDataset(numbered("src", 20), numbered("tst", 5), { validationFraction }));
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain(`validationFraction must be strictly between 0 and 1, got ${validationFraction}`);
  });

  it.each([
    ["maxTrainSamples", 0],
    ["maxTrainSamples", 2.5],
    ["maxTestSamples", -3],
  ])("rejects %s = %s", (option, value) => {
    const error = thrown(() => splitDataset(numbered("src", 20), numbered("tst", 5), { [option]: value }));
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain(`${option} must be a positive integer, got ${value}`);
  });

  it("rejects a training source too small to hold out validation and still train", () => {
    const error = thrown(() => splitDataset(numbered("src", 1), numbered("tst", 5)));
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain("only 1 training samples");
  });

  it("rejects train and test sources with different feature counts, naming both", () => {
    const error = thrown(() => splitDataset(numbered("src", 20, 2), numbered("tst", 5, 3)));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain('dataset "tst" has 3 features per sample but "src" has 2');
  });
});
