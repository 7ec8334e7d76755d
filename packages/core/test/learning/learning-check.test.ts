import { describe, expect, it } from "vitest";
import type { DataSplit } from "../../src/data/data-split.js";
import type { Dataset } from "../../src/data/dataset.js";
import { scaleDataSplit } from "../../src/data/scale-data-split.js";
import { checkBaseModelLearning, DID_NOT_LEARN, isDidNotLearnNote } from "../../src/learning/learning-check.js";
import { majorityClassOf } from "../../src/learning/majority-class.js";

function labelled(name: string, labels: readonly number[], classCount = 2, features?: readonly number[]): Dataset {
  return {
    name,
    features: Float32Array.from(features ?? labels.map(() => 0.5)),
    labels: Int32Array.from(labels),
    featureCount: 1,
    classCount,
  };
}

/** A split with these labels (one feature per sample, 0.5 unless given). */
function split(train: readonly number[], validation: readonly number[], test: readonly number[] = [0, 1]): DataSplit {
  const part = (name: string, labels: readonly number[]) => ({ source: name, from: 0, to: labels.length });
  return {
    train: labelled("train", train),
    validation: labelled("validation", validation),
    test: labelled("test", test),
    record: { train: part("train", train), validation: part("validation", validation), test: part("test", test) },
  };
}

/** n validation samples, the first `ones` of class 1, the rest of class 0; training mostly class 1. */
function balanced(n: number, ones: number): DataSplit {
  return split(
    [1, 1, 0],
    Array.from({ length: n }, (_, i) => (i < ones ? 1 : 0)),
  );
}

describe("majorityClassOf", () => {
  it("is the training part's most frequent class, with what answering it scores on validation and test", () => {
    const three = {
      train: { ...labelled("train", [0, 1, 1, 2, 1], 3), classNames: ["a", "b", "c"] },
      validation: labelled("validation", [1, 0, 1, 1], 3),
      test: labelled("test", [2, 2, 1], 3),
    };
    expect(majorityClassOf(three)).toEqual({
      index: 1,
      name: "b",
      trainShare: 0.6,
      validationRate: 0.75,
      testRate: 1 / 3,
    });
  });

  it("takes the lowest index on a tie", () => {
    expect(majorityClassOf(split([1, 0, 0, 1], [0, 1])).index).toBe(0);
  });
});

describe("checkBaseModelLearning: clearly above the majority-class rate", () => {
  // n = 10 at a majority rate of 0.5: P(K >= 9) = 11/1024 = 0.0107 <= 0.05 < P(K >= 8) = 56/1024 = 0.0547,
  // and the gap rule asks only 0.5 + 0.1 * 0.5 = 55%: 9 of 10 are needed.
  it("asks 9 of 10 at a majority rate of 50%: 8 is not clearly above it, 9 is", () => {
    const withAccuracy = (validationAccuracy: number) =>
      checkBaseModelLearning({ split: balanced(10, 5), validationAccuracy, epochLosses: null, learningRate: 0.01 });
    const eight = withAccuracy(0.8);
    expect(eight.verdict).toBe("did-not-learn");
    expect(eight.validation).toMatchObject({ correct: 8, samples: 10, requiredCorrect: 9 });
    expect(eight.validation.pValue).toBeCloseTo(56 / 1024, 12);
    const nine = withAccuracy(0.9);
    expect(nine.verdict).toBe("learned");
    expect(nine.message).toBeNull();
    expect(nine.likelyCauses).toEqual([]);
  });

  it("cannot tell from 4 validation samples: even 4 of 4 happens 1 time in 16 by chance", () => {
    const check = checkBaseModelLearning({
      split: balanced(4, 2),
      validationAccuracy: 1,
      epochLosses: [0.7, 0.1],
      learningRate: 0.01,
    });
    expect(check.verdict).toBe("cannot-tell");
    expect(check.validation.requiredCorrect).toBeNull();
    expect(check.message).toContain("Whether the base model learned cannot be told: with 4 validation samples");
    expect(isDidNotLearnNote(check.message)).toBe(false);
  });

  it("asks a tenth of the gap to 100% on a large validation set, where chance alone would pass 12% against 11%", () => {
    // 6000 samples, 660 of the majority class (11%): chance rules out 12% (z ~ 2.5), the gap rule asks 19.9%.
    const big = split(
      [1, 1, 0],
      Array.from({ length: 6000 }, (_, i) => (i < 660 ? 1 : 0)),
    );
    const low = checkBaseModelLearning({
      split: big,
      validationAccuracy: 0.12,
      epochLosses: null,
      learningRate: 0.001,
    });
    expect(low.verdict).toBe("did-not-learn");
    expect(low.validation.pValue).toBeLessThan(0.05);
    expect(low.validation.requiredCorrect).toBe(Math.ceil(6000 * (0.11 + 0.1 * 0.89)));
    expect(
      checkBaseModelLearning({ split: big, validationAccuracy: 0.2, epochLosses: null, learningRate: 0.001 }).verdict,
    ).toBe("learned");
  });
});

describe("checkBaseModelLearning: the training loss and the words", () => {
  it("says a model whose loss did not fall did not learn, however accurate, and blames the learning rate", () => {
    const check = checkBaseModelLearning({
      split: balanced(10, 5),
      validationAccuracy: 1,
      epochLosses: [0.62, 0.7, 0.685],
      learningRate: 0.01,
    });
    expect(check.verdict).toBe("did-not-learn");
    expect(check.loss).toEqual({ first: 0.62, last: 0.685, epochs: 3, fell: false });
    expect(check.message).toContain(`${DID_NOT_LEARN}: its validation accuracy, 100.00% (10 of 10), is above`);
    expect(check.message).toContain("its training loss did not fall (0.6200 in epoch 1, 0.6850 in epoch 3)");
    expect(check.likelyCauses[0]).toBe(
      "the learning rate (0.01) is likely too high: the training loss did not fall (0.6200 in epoch 1, 0.6850 in epoch 3); try 0.001",
    );
    expect(isDidNotLearnNote(check.message)).toBe(true);
  });

  it("names unscaled features orders of magnitude apart as the first likely cause, and not once they are scaled", () => {
    // Training rows (area, smoothness): (10, 0.001), (2000, 0.002), (30, 0.003); 20 validation rows, 15 of class 1.
    const validationLabels = Array.from({ length: 20 }, (_, i) => (i < 15 ? 1 : 0));
    const wide: DataSplit = {
      ...split([0, 1, 1], validationLabels),
      train: {
        name: "train",
        features: Float32Array.from([10, 0.001, 2000, 0.002, 30, 0.003]),
        labels: Int32Array.from([0, 1, 1]),
        featureCount: 2,
        classCount: 2,
        featureNames: ["area", "smoothness"],
      },
      validation: { ...labelled("validation", validationLabels), features: new Float32Array(40), featureCount: 2 },
      test: { ...labelled("test", [0, 1]), features: new Float32Array(4), featureCount: 2 },
    };
    const check = checkBaseModelLearning({
      split: wide,
      validationAccuracy: 0.75,
      epochLosses: [2, 1.5],
      learningRate: 0.001,
    });
    expect(check.verdict).toBe("did-not-learn");
    expect(check.message).toContain("not clearly above the majority-class rate, 75.00% (always answering class 1)");
    expect(check.likelyCauses).toEqual([
      // Ranges 1990 and 0.002: ~10^6 apart.
      'the features are not scaled and their ranges differ by a factor of ~10^6 (feature 1 ("area") spans 10..2000, feature 2 ("smoothness") 0.001..0.003); standardise them (split.scale "standard", --scale standard)',
      "the learning rate (0.001) may not suit this data: try 0.0001 and a 10x higher one",
      "too few epochs (2): the loss was still falling in the last epoch; train for longer (training.epochs, --epochs)",
    ]);
    const scaled = checkBaseModelLearning({
      split: scaleDataSplit(wide, "standard"),
      validationAccuracy: 0.75,
      epochLosses: [2, 1.5],
      learningRate: 0.001,
    });
    expect(scaled.likelyCauses[0]).toContain("the learning rate");
  });
});
