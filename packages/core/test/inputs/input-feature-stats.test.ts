import { thrownDeadweightError as thrown } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import type { Dataset } from "../../src/data/dataset.js";
import { measureInputFeatures } from "../../src/inputs/input-feature-stats.js";

/** 4 samples x 3 features: feature 0 is 1, 2, 3, 4 (mean 2.5, population std sqrt(1.25)); feature 1 is constant 7; feature 2 is 0, 0, 0, 8 (mean 2, std sqrt(12)). */
const HAND_BUILT: Dataset = {
  name: "hand-built",
  features: Float32Array.from([1, 7, 0, 2, 7, 0, 3, 7, 0, 4, 7, 8]),
  labels: Int32Array.from([0, 1, 0, 1]),
  featureCount: 3,
  classCount: 2,
};

describe("measureInputFeatures", () => {
  it("gives each feature's mean and population std in float64, exactly 0 for a constant feature", () => {
    const stats = measureInputFeatures(HAND_BUILT);
    expect(stats.sampleCount).toBe(4);
    // Tolerance 1e-12: float64 sums of four small integers, one square root.
    expect(stats.features[0]?.mean).toBeCloseTo(2.5, 12);
    expect(stats.features[0]?.std).toBeCloseTo(Math.sqrt(1.25), 12);
    expect(stats.features[1]).toEqual({ mean: 7, std: 0 });
    expect(stats.features[2]?.mean).toBeCloseTo(2, 12);
    expect(stats.features[2]?.std).toBeCloseTo(Math.sqrt(12), 12);
  });

  it("refuses a NaN feature, naming the sample and the feature", () => {
    const features = Float32Array.from(HAND_BUILT.features);
    features[2 * 3 + 1] = Number.NaN;
    const error = thrown(() => measureInputFeatures({ ...HAND_BUILT, features }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("sample 2, feature 1 is NaN");
  });

  it("refuses a dataset without samples", () => {
    const empty = { ...HAND_BUILT, features: new Float32Array(0), labels: new Int32Array(0) };
    expect(thrown(() => measureInputFeatures(empty)).code).toBe("INVALID_DATASET");
  });
});
