import type { DataSplit } from "../data/data-split.js";
import { rawSplitParts, splitFeatureScaling } from "../data/scale-data-split.js";
import { type MajorityClass, majorityClassOf } from "./majority-class.js";

/**
 * "Clearly above the majority-class rate" needs both of these (see checkBaseModelLearning):
 * the one-sided probability that a model no better than the majority answer scores as well by
 * chance on the validation set (an exact binomial tail) must be at most LEARNING_SIGNIFICANCE, and
 * the accuracy must close at least LEARNING_MIN_GAP_CLOSED of the gap from the majority-class rate
 * to 100%. The first guards small validation sets against luck (12 Iris flowers, 46 tumours), the
 * second large ones against a difference too small to matter (on 6,000 MNIST digits 12% is
 * "significantly" above 11% yet nothing was learned).
 */
export const LEARNING_SIGNIFICANCE = 0.05;
export const LEARNING_MIN_GAP_CLOSED = 0.1;
/** The training loss "fell" when its last epoch's mean is at least 1% below its first epoch's. */
export const LEARNING_MIN_LOSS_FALL = 0.01;

/** The words every "did not learn" message starts with, so a reader of a stored note can recognise it. */
export const DID_NOT_LEARN = "The base model did not learn";

/**
 * Whether the base model learned anything: "learned", "did-not-learn" (its validation accuracy is not
 * clearly above the majority-class rate, or its training loss did not fall), or "cannot-tell" (the
 * validation set is too small, or all of one class, for any accuracy to be clearly above that rate).
 */
export type LearningVerdict = "learned" | "did-not-learn" | "cannot-tell";

export interface LearningCheck {
  readonly verdict: LearningVerdict;
  readonly majorityClass: MajorityClass;
  readonly validation: {
    readonly correct: number;
    readonly samples: number;
    readonly accuracy: number;
    /** The fewest correct answers that are clearly above the majority-class rate; null when none are. */
    readonly requiredCorrect: number | null;
    /** P(a model at the majority-class rate scores at least `correct`): the binomial tail. */
    readonly pValue: number;
  };
  /** The mean training loss of the first and last epochs; null with fewer than 2 epochs (no trend). */
  readonly loss: {
    readonly first: number;
    readonly last: number;
    readonly epochs: number;
    readonly fell: boolean;
  } | null;
  /** What most likely went wrong, most likely first; empty when the model learned. */
  readonly likelyCauses: string[];
  /** What went wrong (or why it cannot be told) and what to try, for a person; null when it learned. */
  readonly message: string | null;
}

export interface LearningCheckInput {
  /** The split the network was trained and measured on (its scaling, if any, included). */
  readonly split: DataSplit;
  readonly validationAccuracy: number;
  /** Mean training loss per epoch, in order; null when unknown (a stored base model was loaded). */
  readonly epochLosses: readonly number[] | null;
  readonly learningRate: number | null;
}

/**
 * Judges a trained base model against the baseline of always answering the training part's majority
 * class (see LEARNING_SIGNIFICANCE and LEARNING_MIN_GAP_CLOSED for what "clearly above" means) and
 * against its own training loss, and says in words what most likely went wrong.
 */
export function checkBaseModelLearning(input: LearningCheckInput): LearningCheck {
  const { split } = input;
  const majorityClass = majorityClassOf(split);
  const samples = split.validation.labels.length;
  const correct = Math.round(input.validationAccuracy * samples);
  const p0 = majorityClass.validationRate;
  const tail = binomialUpperTails(samples, p0);
  const requiredCorrect = smallestClearlyAbove(tail, samples, p0);
  const losses = input.epochLosses ?? [];
  const loss =
    losses.length < 2
      ? null
      : (() => {
          const first = losses[0] as number;
          const last = losses[losses.length - 1] as number;
          return { first, last, epochs: losses.length, fell: last <= first * (1 - LEARNING_MIN_LOSS_FALL) };
        })();
  const accuracyClear = requiredCorrect !== null && correct >= requiredCorrect;
  const verdict: LearningVerdict =
    loss !== null && !loss.fell
      ? "did-not-learn"
      : requiredCorrect === null
        ? "cannot-tell"
        : accuracyClear
          ? "learned"
          : "did-not-learn";
  const validation = {
    correct,
    samples,
    accuracy: input.validationAccuracy,
    requiredCorrect,
    pValue: tail[correct] ?? 0,
  };
  if (verdict === "learned") return { verdict, majorityClass, validation, loss, likelyCauses: [], message: null };
  const likelyCauses = verdict === "did-not-learn" ? causesOf(input, loss, losses) : [];
  return {
    verdict,
    majorityClass,
    validation,
    loss,
    likelyCauses,
    message: messageOf(verdict, majorityClass, validation, loss, likelyCauses),
  };
}

/** tail[k] = P(K >= k) for K ~ Binomial(n, p), k = 0..n (log-space terms: no overflow at any n). */
function binomialUpperTails(n: number, p: number): number[] {
  const tails = new Array<number>(n + 2).fill(0);
  if (p <= 0) {
    tails.fill(0);
    tails[0] = 1;
    return tails;
  }
  if (p >= 1) return tails.map((_, k) => (k <= n ? 1 : 0));
  const logFactorial = new Float64Array(n + 1);
  for (let i = 1; i <= n; i++) logFactorial[i] = (logFactorial[i - 1] as number) + Math.log(i);
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  for (let k = n; k >= 0; k--) {
    const logTerm =
      (logFactorial[n] as number) -
      (logFactorial[k] as number) -
      (logFactorial[n - k] as number) +
      k * logP +
      (n - k) * logQ;
    tails[k] = Math.min(1, (tails[k + 1] as number) + Math.exp(logTerm));
  }
  return tails;
}

/** The fewest correct answers out of n that are clearly above rate p0; null when not even n is. */
function smallestClearlyAbove(tail: readonly number[], n: number, p0: number): number | null {
  // The gap test in whole samples (a tiny epsilon keeps 0.1 * 10 = 1.0000000000000002 from asking for one more).
  const byGap = Math.ceil(n * (p0 + LEARNING_MIN_GAP_CLOSED * (1 - p0)) - 1e-9);
  for (let k = Math.max(0, byGap); k <= n; k++) {
    if ((tail[k] as number) <= LEARNING_SIGNIFICANCE) return k;
  }
  return null;
}

function causesOf(input: LearningCheckInput, loss: LearningCheck["loss"], losses: readonly number[]): string[] {
  const causes: string[] = [];
  const unscaled = unscaledFeatures(input.split);
  if (unscaled !== null) causes.push(unscaled);
  const rate = input.learningRate === null ? "the learning rate" : `the learning rate (${input.learningRate})`;
  const lower = input.learningRate === null ? "a 10x lower one" : `${formatNumber(input.learningRate / 10)}`;
  if (loss !== null && !loss.fell) {
    causes.push(
      `${rate} is likely too high: the training loss did not fall (${formatLoss(loss.first)} in epoch 1, ${formatLoss(loss.last)} in epoch ${loss.epochs}); try ${lower}`,
    );
  } else {
    causes.push(`${rate} may not suit this data: try ${lower} and a 10x higher one`);
  }
  const epochs = input.epochLosses?.length ?? null;
  const previous = losses[losses.length - 2];
  const stillFalling = previous !== undefined && (losses[losses.length - 1] as number) < previous;
  // A loss that rose over the run is not cured by more of the same; one that fell or was unknown may be.
  if (epochs === null || loss === null) {
    causes.push(`too few epochs${epochs === null ? "" : ` (${epochs})`}: train for longer (training.epochs, --epochs)`);
  } else if (loss.fell) {
    causes.push(
      `too few epochs (${epochs})${stillFalling ? ": the loss was still falling in the last epoch" : ""}; train for longer (training.epochs, --epochs)`,
    );
  }
  return causes;
}

/** Why unscaled features are a likely cause, or null when the features were scaled or are already on a common scale. */
function unscaledFeatures(split: DataSplit): string | null {
  if (splitFeatureScaling(split).method !== "none") return null;
  const { train } = rawSplitParts(split);
  const { features, featureCount } = train;
  const count = train.labels.length;
  let widest = { feature: -1, min: 0, max: 0, range: 0 };
  let narrowest = { feature: -1, min: 0, max: 0, range: Number.POSITIVE_INFINITY };
  let largest = 0;
  for (let feature = 0; feature < featureCount; feature++) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let sample = 0; sample < count; sample++) {
      const value = features[sample * featureCount + feature] as number;
      if (value < min) min = value;
      if (value > max) max = value;
    }
    const range = max - min;
    largest = Math.max(largest, Math.abs(min), Math.abs(max));
    if (range > widest.range) widest = { feature, min, max, range };
    if (range > 0 && range < narrowest.range) narrowest = { feature, min, max, range };
  }
  const ratio = narrowest.feature < 0 ? 1 : widest.range / narrowest.range;
  const name = (feature: number) => {
    const title = train.featureNames?.[feature];
    return title === undefined || title === "" ? `feature ${feature + 1}` : `feature ${feature + 1} ("${title}")`;
  };
  const fix = 'standardise them (split.scale "standard", --scale standard)';
  if (ratio >= 100) {
    return `the features are not scaled and their ranges differ by a factor of ~10^${Math.round(Math.log10(ratio))} (${name(widest.feature)} spans ${formatNumber(widest.min)}..${formatNumber(widest.max)}, ${name(narrowest.feature)} ${formatNumber(narrowest.min)}..${formatNumber(narrowest.max)}); ${fix}`;
  }
  if (largest >= 100) return `the features are not scaled and reach ${formatNumber(largest)} in size; ${fix}`;
  return null;
}

function messageOf(
  verdict: Exclude<LearningVerdict, "learned">,
  majority: MajorityClass,
  validation: LearningCheck["validation"],
  loss: LearningCheck["loss"],
  causes: readonly string[],
): string {
  const baseline = `the majority-class rate, ${percent(majority.validationRate)} (always answering ${majority.name === null ? `class ${majority.index}` : `"${majority.name}"`})`;
  const scored = `${percent(validation.accuracy)} (${validation.correct} of ${validation.samples})`;
  if (verdict === "cannot-tell") {
    return `Whether the base model learned cannot be told: with ${validation.samples} validation samples no accuracy is clearly above ${baseline}; it scored ${scored}. Hold out more validation data (split.validationFraction) to judge it.`;
  }
  const parts: string[] = [];
  if (validation.requiredCorrect === null) {
    parts.push(`its validation accuracy ${scored} cannot be told apart from ${baseline}`);
  } else if (validation.correct < validation.requiredCorrect) {
    parts.push(
      `its validation accuracy, ${scored}, is not clearly above ${baseline}: that needs ${validation.requiredCorrect} of ${validation.samples} (${percent(validation.requiredCorrect / validation.samples)})`,
    );
  } else {
    parts.push(`its validation accuracy, ${scored}, is above ${baseline}`);
  }
  if (loss !== null && !loss.fell) {
    parts.push(
      `its training loss did not fall (${formatLoss(loss.first)} in epoch 1, ${formatLoss(loss.last)} in epoch ${loss.epochs})`,
    );
  }
  return `${DID_NOT_LEARN}: ${parts.join("; and ")}. Likely causes: ${causes.join("; ")}. No pruned model is suggested from it.`;
}

/** Whether a stored note (a deployment's) says the base model did not learn. */
export function isDidNotLearnNote(note: string | null | undefined): boolean {
  return note?.startsWith(DID_NOT_LEARN) === true;
}

function percent(fraction: number): string {
  return `${(100 * fraction).toFixed(2)}%`;
}

function formatLoss(value: number): string {
  return value.toPrecision(4);
}

function formatNumber(value: number): string {
  return String(Number(value.toPrecision(4)));
}
