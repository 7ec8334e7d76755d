import type { DataSplit } from "../data/data-split.js";
import { DeadweightError } from "../errors.js";

/**
 * The baseline every classifier must beat: always answering the most frequent class of the
 * training part. Its rates on validation and test are what that constant answer scores there.
 */
export interface MajorityClass {
  /** The training part's most frequent class (the lowest index on a tie). */
  readonly index: number;
  /** Its name when the data named its classes; null otherwise. */
  readonly name: string | null;
  /** Its share of the training part. */
  readonly trainShare: number;
  /** Accuracy of always answering it, on the validation and test parts. */
  readonly validationRate: number;
  readonly testRate: number;
}

/** The majority class of the split's training part and what always answering it scores. */
export function majorityClassOf(split: Pick<DataSplit, "train" | "validation" | "test">): MajorityClass {
  const { train } = split;
  if (train.labels.length === 0) {
    throw new DeadweightError("INVALID_DATASET", `dataset "${train.name}": has no samples, so no majority class`);
  }
  const counts = new Array<number>(train.classCount).fill(0);
  for (const label of train.labels) counts[label] = (counts[label] ?? 0) + 1;
  let index = 0;
  for (let label = 1; label < counts.length; label++) {
    if ((counts[label] as number) > (counts[index] as number)) index = label;
  }
  const rate = (labels: Int32Array) => {
    let hits = 0;
    for (const label of labels) if (label === index) hits++;
    return labels.length === 0 ? 0 : hits / labels.length;
  };
  return {
    index,
    name: train.classNames?.[index] ?? null,
    trainShare: (counts[index] as number) / train.labels.length,
    validationRate: rate(split.validation.labels),
    testRate: rate(split.test.labels),
  };
}
