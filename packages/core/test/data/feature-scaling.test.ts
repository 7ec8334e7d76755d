import { thrownDeadweightError as thrown } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import { splitDataset } from "../../src/data/data-split.js";
import type { Dataset } from "../../src/data/dataset.js";
import { type FeatureScalingMethod, fitFeatureScaling, scaleDataset } from "../../src/data/feature-scaling.js";
import {
  featureScalingRecord,
  rawSplitParts,
  scaleDataSplit,
  splitFeatureScaling,
} from "../../src/data/scale-data-split.js";

function dataset(name: string, rows: readonly (readonly number[])[], labels?: readonly number[]): Dataset {
  const featureCount = rows[0]?.length ?? 0;
  return {
    name,
    features: Float32Array.from(rows.flat()),
    labels: Int32Array.from(labels ?? rows.map((_, i) => i % 2)),
    featureCount,
    classCount: 2,
  };
}

/**
 * By hand: features 1 and 2 of the training rows (1, 10, 5) and (3, 30, 5) have means 2 and 20,
 * population stds 1 and 10, minimums 1 and 10 and ranges 2 and 20; feature 3 is constant (5).
 */
const TRAIN = dataset("hand", [
  [1, 10, 5],
  [3, 30, 5],
]);

describe("fitFeatureScaling", () => {
  it("standardises with the training rows' mean and population std; a constant feature gets scale 1", () => {
    const scaling = fitFeatureScaling(TRAIN, "standard");
    expect(scaling).toEqual({ method: "standard", offset: [2, 20, 5], scale: [1, 10, 1], constantFeatures: [2] });
    // (2 - 2) / 1, (40 - 20) / 10, (7 - 5) / 1: exact in float32.
    expect([...scaleDataset(dataset("v", [[2, 40, 7]]), scaling).features]).toEqual([0, 2, 2]);
  });

  it("maps to [0, 1] with the training rows' minimum and range (min-max)", () => {
    const scaling = fitFeatureScaling(TRAIN, "minmax");
    expect(scaling).toEqual({ method: "minmax", offset: [1, 10, 5], scale: [2, 20, 1], constantFeatures: [2] });
    expect([...scaleDataset(TRAIN, scaling).features]).toEqual([0, 0, 0, 1, 1, 0]);
  });

  it("changes nothing for none, and gives back the very dataset", () => {
    const scaling = fitFeatureScaling(TRAIN, "none");
    expect(scaling).toEqual({ method: "none", offset: [0, 0, 0], scale: [1, 1, 1], constantFeatures: [] });
    expect(scaleDataset(TRAIN, scaling)).toBe(TRAIN);
  });

  it.each<FeatureScalingMethod>(["standard", "minmax"])(
    "never divides by zero: an all-constant training set scales to finite values (%s)",
    (method) => {
      const constant = dataset("constant", [
        [7, -3],
        [7, -3],
        [7, -3],
      ]);
      const scaled = scaleDataset(dataset("t", [[9, -3]]), fitFeatureScaling(constant, method));
      expect([...scaled.features]).toEqual([2, 0]);
    },
  );

  it("refuses an unknown method and a dataset of other columns, naming both", () => {
    const unknown = thrown(() => fitFeatureScaling(TRAIN, "zscore" as FeatureScalingMethod));
    expect(unknown.code).toBe("INVALID_OPTION");
    expect(unknown.message).toContain('feature scaling "zscore" is not one of "standard", "minmax", "none"');
    const other = thrown(() => scaleDataset(dataset("two", [[1, 2]]), fitFeatureScaling(TRAIN, "standard")));
    expect(other.message).toContain('dataset "two" has 2 features but the feature scaling has 3 offsets and 3 scales');
  });
});

describe("scaleDataSplit", () => {
  // Training rows 0..7 of feature values 0..7; validation (8, 9) and test (1000, -1000) far outside them.
  const source = dataset(
    "src",
    Array.from({ length: 10 }, (_, i) => [i]),
    Array.from({ length: 10 }, (_, i) => i % 2),
  );
  const test = dataset("tst", [[1000], [-1000]]);
  const raw = splitDataset(source, test, { validationFraction: 0.2 });

  it("fits on the training part only: validation and test values never move the statistics", () => {
    const scaled = scaleDataSplit(raw, "standard");
    // Mean of 0..7 is 3.5; population variance (2*(0.25 + 2.25 + 6.25 + 12.25)) / 8 = 5.25.
    expect(splitFeatureScaling(scaled).offset).toEqual([3.5]);
    expect(splitFeatureScaling(scaled).scale[0]).toBeCloseTo(Math.sqrt(5.25), 12);
    const expected = (x: number) => Math.fround((x - 3.5) / Math.sqrt(5.25));
    expect([...scaled.validation.features]).toEqual([expected(8), expected(9)]);
    expect([...scaled.test.features]).toEqual([expected(1000), expected(-1000)]);
  });

  it("keeps the raw parts, the labels and the record, and refuses to scale twice", () => {
    const scaled = scaleDataSplit(raw, "minmax");
    expect(rawSplitParts(scaled).test).toBe(raw.test);
    expect(rawSplitParts(raw).test).toBe(raw.test);
    expect(scaled.test.labels).toBe(raw.test.labels);
    expect(scaled.record).toBe(raw.record);
    expect(thrown(() => scaleDataSplit(scaled, "standard")).message).toContain("is already scaled (minmax)");
  });

  it("records what was fitted on which samples, and that exported models have it folded in", () => {
    expect(featureScalingRecord(scaleDataSplit(raw, "minmax"))).toEqual({
      method: "minmax",
      fittedOn: { source: "src", from: 0, to: 8 },
      foldedIntoFirstLayer: true,
      offset: [0],
      scale: [7],
      constantFeatures: [],
    });
    expect(featureScalingRecord(raw)).toMatchObject({ method: "none", foldedIntoFirstLayer: false, offset: [] });
  });
});
