import type { DataSplit, Dataset } from "@deadweight/core";

/** `count` points of [0, 1)² from a fixed sequence, labelled 1 when x > y. */
function aboveDiagonal(name: string, count: number, offset: number): Dataset {
  const features = new Float32Array(count * 2);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const x = ((i + offset) * 0.618034) % 1;
    const y = ((i + offset) * 0.414214) % 1;
    features.set([x, y], i * 2);
    labels[i] = x > y ? 1 : 0;
  }
  return { name, features, labels, featureCount: 2, classCount: 2 };
}

/**
 * "Is x above y" on consecutive points of one fixed sequence: `train` points, then `validation`, then
 * `test`, a split small enough that a 2-6-2 network trains in milliseconds and learns it.
 */
export function aboveDiagonalSplit(train: number, validation: number, test: number): DataSplit {
  return {
    train: aboveDiagonal("train", train, 0),
    validation: aboveDiagonal("validation", validation, train),
    test: aboveDiagonal("test", test, train + validation),
    record: {
      train: { source: "sequence", from: 0, to: train },
      validation: { source: "sequence", from: train, to: train + validation },
      test: { source: "sequence", from: train + validation, to: train + validation + test },
    },
  };
}
