import { thrownDeadweightError as thrown } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import { assertValidDataset, type Dataset, datasetRange, sampleCount } from "../../src/data/dataset.js";

/** Three samples of two features: sample i is [i, 10 + i] with label i. */
function threeSamples(overrides: Partial<Dataset> = {}): Dataset {
  return {
    name: "three",
    features: Float32Array.from([0, 10, 1, 11, 2, 12]),
    labels: Int32Array.from([0, 1, 2]),
    featureCount: 2,
    classCount: 3,
    ...overrides,
  };
}

describe("assertValidDataset", () => {
  it("accepts a consistent dataset", () => {
    expect(() => assertValidDataset(threeSamples())).not.toThrow();
  });

  it.each([0, -1, 1.5])("rejects feature count %s", (featureCount) => {
    const error = thrown(() => assertValidDataset(threeSamples({ featureCount })));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain('dataset "three"');
    expect(error.message).toContain("feature count");
  });

  it("rejects fewer than 2 classes", () => {
    const error = thrown(() => assertValidDataset(threeSamples({ classCount: 1, labels: Int32Array.from([0, 0, 0]) })));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("at least 2 classes, got 1");
  });

  it("rejects a dataset without samples", () => {
    const error = thrown(() =>
      assertValidDataset(threeSamples({ labels: new Int32Array(0), features: new Float32Array(0) })),
    );
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("no samples");
  });

  it("rejects a feature array of the wrong length", () => {
    const error = thrown(() => assertValidDataset(threeSamples({ features: new Float32Array(5) })));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("3 labels need 6 feature values (2 each), found 5");
  });

  it.each([-1, 3])("rejects label %s outside the class range, naming the sample", (label) => {
    const error = thrown(() => assertValidDataset(threeSamples({ labels: Int32Array.from([0, label, 1]) })));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain(`sample 1 has label ${label}, outside the class range 0..2`);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY])("rejects a %s feature, naming sample and feature", (value) => {
    const error = thrown(() =>
      assertValidDataset(threeSamples({ features: Float32Array.from([0, 10, 1, 11, 2, value]) })),
    );
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain(`sample 2, feature 1 is ${value}`);
  });
});

describe("datasetRange", () => {
  it("returns the samples [from, to) sharing memory, with a default name", () => {
    const source = threeSamples();
    const range = datasetRange(source, 1, 3);
    expect(range.name).toBe("three[1:3]");
    expect(sampleCount(range)).toBe(2);
    expect([...range.features]).toEqual([1, 11, 2, 12]);
    expect([...range.labels]).toEqual([1, 2]);
    expect(range.featureCount).toBe(2);
    expect(range.classCount).toBe(3);
    expect(range.features.buffer).toBe(source.features.buffer);
  });

  it("uses an explicit name and allows an empty range", () => {
    const range = datasetRange(threeSamples(), 2, 2, "nothing");
    expect(range.name).toBe("nothing");
    expect(sampleCount(range)).toBe(0);
  });

  it.each([
    [-1, 2],
    [2, 1],
    [0, 4],
    [0.5, 2],
  ])("rejects the range [%s, %s), naming the dataset", (from, to) => {
    const error = thrown(() => datasetRange(threeSamples(), from, to));
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain('dataset "three"');
    expect(error.message).toContain(`[${from}, ${to})`);
    expect(error.message).toContain("3 samples");
  });
});
