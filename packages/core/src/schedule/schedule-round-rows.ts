import type { MlpWeights } from "../model/mlp-weights.js";
import { thresholdId } from "../pruning/pruning-threshold.js";
import { paretoFrontier } from "../sweep/pareto-frontier.js";
import type { SweepRow } from "../sweep/sweep-row.js";
import type { ScheduleRound } from "./prune-schedule.js";

/** The row id of a schedule round ("round-3"): distinct from every threshold id, so rounds are their own series. */
export function roundRowId(round: number): string {
  return `round-${round}`;
}

/** Whether a row is a schedule round (its network comes from the round before, not from the base model by its threshold). */
export function isScheduleRoundRow(row: Pick<SweepRow, "id">): boolean {
  return /^round-\d+$/.test(row.id);
}

/**
 * The rounds as result rows, beside the sweep's: id "round-N", the round's own threshold, sizes and
 * accuracies against the base model, and `pareto` over the rounds alone (a series of its own). The
 * note says how the network was reached, since its threshold alone does not rebuild it from the base.
 */
export function scheduleRoundRows(rounds: readonly ScheduleRound[]): SweepRow[] {
  const frontier = paretoFrontier(
    rounds.map((round) => ({ size: round.parameters, accuracy: round.validationAccuracy })),
  );
  return rounds.map((round, index) => ({
    id: roundRowId(round.round),
    threshold: round.threshold,
    status: "ok",
    note:
      `round ${round.round} of the iterative schedule: ${round.thresholds.map(thresholdId).join(" -> ")}, ` +
      `${round.recoverEpochs} recovery epoch(s) per round; ${round.seconds.toFixed(1)} s`,
    keptNeurons: round.keptNeurons,
    keptNeuronTotal: round.keptNeuronTotal,
    parameters: round.parameters,
    bytes: round.bytes,
    validationAccuracy: round.validationAccuracy,
    testAccuracy: round.testAccuracy,
    validationAccuracyDrop: round.validationAccuracyDrop,
    testAccuracyDrop: round.testAccuracyDrop,
    parameterReductionPercent: round.parameterReductionPercent,
    neuronReductionPercent: round.neuronReductionPercent,
    latencyMsPerSample: round.latencyMsPerSample,
    pareto: frontier.has(index),
  }));
}

/** Each round's network by its row id: what a deployment measures for a round row instead of re-pruning the base. */
export function roundNetworks(rounds: readonly ScheduleRound[]): Map<string, MlpWeights> {
  return new Map(rounds.map((round) => [roundRowId(round.round), round.weights]));
}
