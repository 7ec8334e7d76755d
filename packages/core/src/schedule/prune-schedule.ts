import { DeadweightError } from "../errors.js";
import type { MlpWeights } from "../model/mlp-weights.js";
import { assertValidThreshold } from "../pruning/plan-pruning.js";
import type { PruningThreshold } from "../pruning/pruning-threshold.js";

/**
 * How a round chooses what to remove from the current network:
 * - fixed: the same threshold every round, applied to statistics measured again on the current network;
 * - auto: of `candidates`, the one that leaves the fewest parameters while costing at most
 *   `maxRoundDrop` validation points against the current network (measured straight after surgery).
 */
export type RoundThresholds =
  | { readonly kind: "fixed"; readonly threshold: PruningThreshold }
  | { readonly kind: "auto"; readonly candidates: readonly PruningThreshold[]; readonly maxRoundDrop: number };

/** The iterative schedule: prune -> recover -> measure again -> prune, until one of the stops. */
export interface PruneScheduleSettings {
  readonly thresholds: RoundThresholds;
  /** Epochs of fine-tuning after each round's surgery (0: none). */
  readonly recoverEpochs: number;
  /** Rounds at most (>= 1). */
  readonly maxRounds: number;
  /** Stop once parameters kept / the base model's parameters is at most this fraction; null: no size target. */
  readonly targetKeptFraction: number | null;
  /** Stop after the first round whose validation accuracy is more than this many points below the base model's; null: none. */
  readonly maxTotalDrop: number | null;
}

/** Why the schedule ended. */
export type ScheduleStopReason =
  /** maxRounds rounds ran. */
  | "max-rounds"
  /** The last round reached targetKeptFraction. */
  | "target-size"
  /** The last round lost more than maxTotalDrop validation points against the base model. */
  | "target-drop"
  /** No threshold removes a neuron within the round's limits (or the fixed one would empty a layer). */
  | "no-cut";

/** One round, measured after its recovery. Accuracies are fractions; drops and reductions are points against the base model. */
export interface ScheduleRound {
  /** 1-based. */
  readonly round: number;
  /** The threshold this round pruned the previous round's network with (on statistics measured on that network). */
  readonly threshold: PruningThreshold;
  /** Every round's threshold up to this one, in order: how this network was reached from the base model. */
  readonly thresholds: readonly PruningThreshold[];
  readonly keptNeurons: number[];
  readonly keptNeuronTotal: number;
  readonly parameters: number;
  /** float32 bytes of the parameters. */
  readonly bytes: number;
  /** Accuracies straight after this round's surgery, before its recovery. */
  readonly oneShotValidationAccuracy: number;
  readonly validationAccuracy: number;
  readonly testAccuracy: number;
  readonly validationAccuracyDrop: number;
  readonly testAccuracyDrop: number;
  readonly parameterReductionPercent: number;
  readonly neuronReductionPercent: number;
  readonly latencyMsPerSample: number;
  readonly recoverEpochs: number;
  /** Wall seconds of the round: statistics, threshold choice, surgery, recovery and measurement. */
  readonly seconds: number;
  /** The physically pruned (and recovered) network: what a deployment of this round ships. */
  readonly weights: MlpWeights;
}

/** Throws INVALID_OPTION, naming the field, for settings a schedule cannot run with. */
export function assertValidScheduleSettings(settings: PruneScheduleSettings): void {
  const bad = (field: string, value: unknown, expected: string): never => {
    throw new DeadweightError("INVALID_OPTION", `schedule ${field} must be ${expected}, got ${String(value)}`);
  };
  if (!(Number.isInteger(settings.maxRounds) && settings.maxRounds >= 1)) {
    bad("maxRounds", settings.maxRounds, "a whole number of rounds >= 1");
  }
  if (!(Number.isInteger(settings.recoverEpochs) && settings.recoverEpochs >= 0)) {
    bad("recoverEpochs", settings.recoverEpochs, "a whole number of epochs >= 0 (0: no recovery)");
  }
  const kept = settings.targetKeptFraction;
  if (kept !== null && !(kept > 0 && kept <= 1)) bad("targetKeptFraction", kept, "a fraction in (0, 1] or null");
  const drop = settings.maxTotalDrop;
  if (drop !== null && !(Number.isFinite(drop) && drop >= 0)) bad("maxTotalDrop", drop, "points >= 0 or null");
  const { thresholds } = settings;
  if (thresholds.kind === "fixed") {
    assertValidThreshold(thresholds.threshold);
    return;
  }
  if (thresholds.candidates.length === 0) {
    bad("thresholds.candidates", "[]", "at least one threshold to choose from");
  }
  for (const candidate of thresholds.candidates) assertValidThreshold(candidate);
  if (!(Number.isFinite(thresholds.maxRoundDrop) && thresholds.maxRoundDrop >= 0)) {
    bad("thresholds.maxRoundDrop", thresholds.maxRoundDrop, "points >= 0");
  }
}
