import type { DataSplit } from "../data/data-split.js";
import { DeadweightError } from "../errors.js";
import { measureModelActivations } from "../experiment/experiment-stages.js";
import { disposeDenseLayers, uploadDenseLayer } from "../model/dense-forward.js";
import { evaluateAccuracy } from "../model/evaluate-accuracy.js";
import { float32Bytes, hiddenLayerSizes, type MlpWeights, parameterCount } from "../model/mlp-weights.js";
import type { TrainingProgress } from "../model/train-mlp.js";
import { applyPruningPlan } from "../pruning/apply-pruning-plan.js";
import { planPruning } from "../pruning/plan-pruning.js";
import type { PruningPlan } from "../pruning/pruning-plan.js";
import { type PruningThreshold, thresholdId } from "../pruning/pruning-threshold.js";
import { fineTunePrunedNetwork } from "../recovery/fine-tune-pruned-network.js";
import type { ActivationStats } from "../stats/activation-stats.js";
import { measureLatencyMsPerSample } from "../sweep/measure-latency.js";
import { runThresholdSweep } from "../sweep/run-threshold-sweep.js";
import { fewestParametersWithinDrop } from "../sweep/suggested-row.js";
import type { BaseModelMetrics } from "../sweep/sweep-row.js";
import {
  assertValidScheduleSettings,
  type PruneScheduleSettings,
  type ScheduleRound,
  type ScheduleStopReason,
} from "./prune-schedule.js";

export interface PruneScheduleInput {
  /** The trained, unpruned network (round 1 prunes it). */
  readonly weights: MlpWeights;
  /** Its metrics (the sweep's base): every round's drops and reductions are against these. */
  readonly base: BaseModelMetrics;
  readonly split: DataSplit;
  readonly settings: PruneScheduleSettings;
  /** Recovery trains with the base model's batch size and learning rate; round r shuffles with seed + r. */
  readonly training: { readonly batchSize: number; readonly learningRate: number; readonly seed: number };
  /** What the schedule is doing, for a person watching (several times per round, and every few batches of recovery). */
  readonly onProgress?: (progress: ScheduleProgress) => void;
  /** Each round as soon as it is measured (a caller can store it before the next one starts). */
  readonly onRound?: (round: ScheduleRound) => Promise<void> | void;
  /** Checked between steps and between recovery batches; aborting throws CANCELED. */
  readonly signal?: AbortSignal;
}

export interface ScheduleProgress {
  readonly round: number;
  readonly maxRounds: number;
  readonly message: string;
  /** While the round's network is fine-tuned. */
  readonly training?: TrainingProgress;
}

/** The rounds a schedule ran and why it stopped. */
export interface ScheduleOutcome {
  readonly rounds: ScheduleRound[];
  readonly stopReason: ScheduleStopReason;
  /** The stop, for a person: "round 4 keeps 14.2% of the parameters, within the target of 15%". */
  readonly stopNote: string;
  readonly seconds: number;
}

/**
 * The iterative schedule: measures the current network's statistics on validation, prunes it
 * physically (a fixed threshold, or the largest cut among candidates within the round's validation
 * drop limit, found with a sweep on the current network), fine-tunes it, measures it on validation
 * and test, and goes on from the result, until maxRounds, the size target, the drop target, or no
 * cut is left. No layer is ever emptied. Throws INVALID_OPTION on bad settings before any work,
 * NON_FINITE_ACTIVATION when a network's activations are NaN or infinite, CANCELED when aborted.
 */
export async function runPruneSchedule(input: PruneScheduleInput): Promise<ScheduleOutcome> {
  const { settings, split, base } = input;
  assertValidScheduleSettings(settings);
  const started = performance.now();
  const rounds: ScheduleRound[] = [];
  let current = input.weights;
  const stop = (stopReason: ScheduleStopReason, stopNote: string): ScheduleOutcome => ({
    rounds,
    stopReason,
    stopNote,
    seconds: (performance.now() - started) / 1000,
  });

  for (let round = 1; round <= settings.maxRounds; round++) {
    const roundStarted = performance.now();
    const say = (message: string, training?: TrainingProgress) =>
      input.onProgress?.({
        round,
        maxRounds: settings.maxRounds,
        message: `round ${round}/${settings.maxRounds}: ${message}`,
        ...(training === undefined ? {} : { training }),
      });
    throwIfCanceled(input.signal, round);
    say("measuring the statistics of the current network on validation");
    const stats = await measureModelActivations(current, split.validation);
    throwIfCanceled(input.signal, round);
    const cut = await chooseCut(current, stats, split, settings, (message) => say(message));
    if (cut.plan === null) return stop("no-cut", `round ${round}: ${cut.reason}`);

    const pruned = applyPruningPlan(current, cut.plan);
    const oneShotValidationAccuracy = accuracies(pruned, split, ["validation"])[0] as number;
    let recovered = pruned;
    if (settings.recoverEpochs > 0) {
      const fineTuning = `fine-tuning ${thresholdId(cut.plan.threshold)} for ${settings.recoverEpochs} epoch(s)`;
      say(fineTuning);
      const fineTuned = await fineTunePrunedNetwork(
        pruned,
        split,
        {
          epochs: settings.recoverEpochs,
          batchSize: input.training.batchSize,
          learningRate: input.training.learningRate,
          seed: input.training.seed + round,
          ...(input.signal === undefined ? {} : { signal: input.signal }),
        },
        (training) => say(fineTuning, training),
      );
      recovered = fineTuned.weights;
    }
    const [validationAccuracy, testAccuracy] = accuracies(recovered, split, ["validation", "test"]) as [number, number];
    const keptNeurons = hiddenLayerSizes(recovered);
    const keptNeuronTotal = keptNeurons.reduce((sum, n) => sum + n, 0);
    const baseNeurons = base.hiddenSizes.reduce((sum, n) => sum + n, 0);
    const parameters = parameterCount(recovered);
    const measured: ScheduleRound = {
      round,
      threshold: cut.plan.threshold,
      thresholds: [...(rounds[rounds.length - 1]?.thresholds ?? []), cut.plan.threshold],
      keptNeurons,
      keptNeuronTotal,
      parameters,
      bytes: float32Bytes(recovered),
      oneShotValidationAccuracy,
      validationAccuracy,
      testAccuracy,
      validationAccuracyDrop: 100 * (base.validationAccuracy - validationAccuracy),
      testAccuracyDrop: 100 * (base.testAccuracy - testAccuracy),
      parameterReductionPercent: (100 * (base.parameters - parameters)) / base.parameters,
      neuronReductionPercent: (100 * (baseNeurons - keptNeuronTotal)) / baseNeurons,
      latencyMsPerSample: latencyOf(recovered, split),
      recoverEpochs: settings.recoverEpochs,
      seconds: (performance.now() - roundStarted) / 1000,
      weights: recovered,
    };
    rounds.push(measured);
    say(
      `${keptNeurons.join("-")} kept, ${measured.parameterReductionPercent.toFixed(1)}% fewer parameters, validation ${signedPoints(-measured.validationAccuracyDrop)} points`,
    );
    await input.onRound?.(measured);
    current = recovered;

    const keptFraction = parameters / base.parameters;
    if (settings.targetKeptFraction !== null && keptFraction <= settings.targetKeptFraction) {
      return stop(
        "target-size",
        `round ${round} keeps ${(100 * keptFraction).toFixed(1)}% of the parameters, within the target of ${100 * settings.targetKeptFraction}%`,
      );
    }
    if (settings.maxTotalDrop !== null && measured.validationAccuracyDrop > settings.maxTotalDrop) {
      return stop(
        "target-drop",
        `round ${round} is ${measured.validationAccuracyDrop.toFixed(2)} validation points below the base model, more than the target of ${settings.maxTotalDrop}`,
      );
    }
  }
  return stop("max-rounds", `${settings.maxRounds} round(s) ran, the most the schedule allows`);
}

type Cut =
  | { readonly plan: PruningPlan; readonly reason?: undefined }
  | { readonly plan: null; readonly reason: string };

/** This round's plan on the current network's statistics, or why there is none. */
async function chooseCut(
  current: MlpWeights,
  stats: ActivationStats,
  split: DataSplit,
  settings: PruneScheduleSettings,
  say: (message: string) => void,
): Promise<Cut> {
  const { thresholds } = settings;
  const currentParameters = parameterCount(current);
  if (thresholds.kind === "fixed") {
    const plan = planPruning(stats, thresholds.threshold);
    const id = thresholdId(thresholds.threshold);
    if (plan.emptiedLayers.length > 0) {
      const layers = plan.emptiedLayers.map((layer) => layer + 1).join(", ");
      return { plan: null, reason: `${id} would remove every neuron of hidden layer ${layers}; stopped before it` };
    }
    if (plan.layers.every((layer) => layer.kept.length === layer.originalSize)) {
      return { plan: null, reason: `${id} removes no neuron of the current network` };
    }
    return { plan };
  }
  say(`choosing among ${thresholds.candidates.length} threshold(s) on the current network`);
  const sweep = await runThresholdSweep({
    weights: current,
    stats,
    validation: split.validation,
    test: split.test,
    thresholds: thresholds.candidates,
  });
  // Rows that empty a layer have status "emptied-layer" and are never chosen.
  const chosen = fewestParametersWithinDrop(
    sweep.rows.filter((row) => row.parameters < currentParameters),
    thresholds.maxRoundDrop,
  );
  if (chosen === null) {
    return {
      plan: null,
      reason: `no candidate threshold removes a neuron within ${thresholds.maxRoundDrop} validation points of the current network`,
    };
  }
  return { plan: planPruning(stats, chosen.threshold as PruningThreshold) };
}

function accuracies(weights: MlpWeights, split: DataSplit, parts: readonly ("validation" | "test")[]): number[] {
  const layers = weights.layers.map(uploadDenseLayer);
  try {
    return parts.map((part) => evaluateAccuracy(layers, split[part]));
  } finally {
    disposeDenseLayers(layers);
  }
}

function latencyOf(weights: MlpWeights, split: DataSplit): number {
  const layers = weights.layers.map(uploadDenseLayer);
  try {
    return measureLatencyMsPerSample(layers, split.test.features.subarray(0, split.test.featureCount));
  } finally {
    disposeDenseLayers(layers);
  }
}

function throwIfCanceled(signal: AbortSignal | undefined, round: number): void {
  if (signal?.aborted) throw new DeadweightError("CANCELED", `the pruning schedule was canceled before round ${round}`);
}

function signedPoints(points: number): string {
  return `${points >= 0 ? "+" : ""}${points.toFixed(2)}`;
}
