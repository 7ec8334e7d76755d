import type { DataSplit } from "../src/data/data-split.js";
import type { Dataset } from "../src/data/dataset.js";
import { seededRandom } from "../src/random/seeded-random.js";

/** `count` x `width` features drawn uniformly from [low, high) with a seeded generator. */
export function randomFeatures(count: number, width: number, seed: number, low = -1, high = 1): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: count * width }, () => low + (high - low) * random());
}

/**
 * Two classes separated by a hyperplane through the origin with a margin: a sample is class 1 when
 * w·x > 0.2 and class 0 when w·x < -0.2 (samples inside the margin are redrawn). The direction w
 * depends only on `featureCount`, so datasets drawn with different seeds share the same rule.
 */
export function separableDataset(name: string, count: number, featureCount: number, seed: number): Dataset {
  const directionRandom = seededRandom(featureCount * 7919);
  const direction = Array.from({ length: featureCount }, () => directionRandom() * 2 - 1);
  const random = seededRandom(seed);
  const features = new Float32Array(count * featureCount);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    for (;;) {
      let projection = 0;
      for (let f = 0; f < featureCount; f++) {
        const value = Math.fround(random() * 2 - 1);
        features[i * featureCount + f] = value;
        projection += value * (direction[f] as number);
      }
      if (Math.abs(projection) > 0.2) {
        labels[i] = projection > 0 ? 1 : 0;
        break;
      }
    }
  }
  return { name, features, labels, featureCount, classCount: 2 };
}

/** A train/validation/test split of independent separableDataset draws (seeds seed, seed+1, seed+2). */
export function separableSplit(
  counts: { readonly train: number; readonly validation: number; readonly test: number },
  featureCount: number,
  seed: number,
): DataSplit {
  return independentSplit(
    (part, count, partSeed) => separableDataset(`synthetic ${part}`, count, featureCount, partSeed),
    counts,
    seed,
  );
}

/** Train, validation and test drawn independently by `draw` (seeds seed, seed+1, seed+2), each recorded as its own source. */
function independentSplit(
  draw: (part: "train" | "validation" | "test", count: number, seed: number) => Dataset,
  counts: { readonly train: number; readonly validation: number; readonly test: number },
  seed: number,
): DataSplit {
  const train = draw("train", counts.train, seed);
  const validation = draw("validation", counts.validation, seed + 1);
  const test = draw("test", counts.test, seed + 2);
  return {
    train,
    validation,
    test,
    record: {
      train: { source: train.name, from: 0, to: counts.train },
      validation: { source: validation.name, from: 0, to: counts.validation },
      test: { source: test.name, from: 0, to: counts.test },
    },
  };
}

/**
 * Three classes by distance from the origin in the first two features (radius < 0.45, < 0.75, else;
 * uniform in [-1, 1)^featureCount, the other features noise): a problem no linear model solves, so
 * removing hidden neurons costs accuracy that fine-tuning has to win back.
 */
export function ringsDataset(name: string, count: number, featureCount: number, seed: number): Dataset {
  const features = randomFeatures(count, featureCount, seed);
  const labels = Int32Array.from({ length: count }, (_, i) => {
    const radius = Math.hypot(features[i * featureCount] as number, features[i * featureCount + 1] as number);
    return radius < 0.45 ? 0 : radius < 0.75 ? 1 : 2;
  });
  return { name, features, labels, featureCount, classCount: 3 };
}

/** A train/validation/test split of independent ringsDataset draws (seeds seed, seed+1, seed+2). */
export function ringsSplit(
  counts: { readonly train: number; readonly validation: number; readonly test: number },
  featureCount: number,
  seed: number,
): DataSplit {
  return independentSplit(
    (part, count, partSeed) => ringsDataset(`rings ${part}`, count, featureCount, partSeed),
    counts,
    seed,
  );
}
