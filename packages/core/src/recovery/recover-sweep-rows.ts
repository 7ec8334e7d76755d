import type { DataSplit } from "../data/data-split.js";
import { DeadweightError } from "../errors.js";
import type { MlpWeights } from "../model/mlp-weights.js";
import type { TrainingOptions, TrainingProgress } from "../model/train-mlp.js";
import { applyPruningPlan } from "../pruning/apply-pruning-plan.js";
import { planPruning } from "../pruning/plan-pruning.js";
import type { ActivationStats } from "../stats/activation-stats.js";
import type { BaseModelMetrics, SweepRow } from "../sweep/sweep-row.js";
import { fineTunePrunedNetwork, type RecoveredNetwork } from "./fine-tune-pruned-network.js";

/** One sweep row's recovered accuracy beside its one-shot accuracy, and what recovery cost. */
export interface RecoveredRow {
  readonly rowId: string;
  readonly parameters: number;
  /** Accuracies of the pruned network straight after surgery (the sweep's). */
  readonly oneShot: { readonly validationAccuracy: number; readonly testAccuracy: number };
  /** Accuracies after fine-tuning. */
  readonly recovered: { readonly validationAccuracy: number; readonly testAccuracy: number };
  /** Base minus recovered accuracy, in points (positive: still worse than the base). */
  readonly recoveredValidationAccuracyDrop: number;
  readonly recoveredTestAccuracyDrop: number;
  readonly epochs: number;
  readonly seconds: number;
  /** seconds / the base model's training seconds: the price of recovery against training from scratch. */
  readonly costRelativeToBaseTraining: number;
  /** The fine-tuned parameters, for export. */
  readonly weights: MlpWeights;
}

export interface RecoverRowsInput {
  /** The unpruned network and the statistics the sweep pruned it with. */
  readonly weights: MlpWeights;
  readonly stats: ActivationStats;
  /** The rows to fine-tune: the Pareto frontier, or the row a budget query chose. */
  readonly rows: readonly SweepRow[];
  readonly base: BaseModelMetrics;
  /** Training seconds of the base model (TrainingSummary.seconds). */
  readonly baseTrainingSeconds: number;
  readonly split: DataSplit;
  readonly training: TrainingOptions;
  /**
   * The pruned network of a row; default: the base `weights` pruned by the row's threshold on `stats`.
   * A schedule round's network comes from the round before it, so its caller passes it here.
   */
  readonly networkOf?: (row: SweepRow) => MlpWeights;
  readonly onProgress?: (progress: {
    readonly rowId: string;
    readonly done: number;
    readonly total: number;
    readonly training?: TrainingProgress;
  }) => void;
}

/**
 * Rebuilds each chosen row's pruned network and fine-tunes it (fineTunePrunedNetwork), in order.
 * Throws INVALID_OPTION for a row without a model (status other than "ok").
 */
export async function recoverSweepRows(input: RecoverRowsInput): Promise<RecoveredRow[]> {
  const { base, rows } = input;
  if (!(input.baseTrainingSeconds > 0)) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `baseTrainingSeconds must be positive to relate recovery cost to it, got ${input.baseTrainingSeconds}`,
    );
  }
  for (const row of rows) {
    if (row.status !== "ok" || row.validationAccuracy === null || row.testAccuracy === null) {
      throw new DeadweightError(
        "INVALID_OPTION",
        `row "${row.id}" has no pruned model to fine-tune (${row.note ?? row.status}); choose rows with status "ok"`,
      );
    }
  }
  const recovered: RecoveredRow[] = [];
  for (const [index, row] of rows.entries()) {
    const pruned = input.networkOf?.(row) ?? applyPruningPlan(input.weights, planPruning(input.stats, row.threshold));
    const result: RecoveredNetwork = await fineTunePrunedNetwork(pruned, input.split, input.training, (training) =>
      input.onProgress?.({ rowId: row.id, done: index, total: rows.length, training }),
    );
    recovered.push({
      rowId: row.id,
      parameters: row.parameters,
      oneShot: { validationAccuracy: row.validationAccuracy as number, testAccuracy: row.testAccuracy as number },
      recovered: { validationAccuracy: result.validationAccuracy, testAccuracy: result.testAccuracy },
      recoveredValidationAccuracyDrop: 100 * (base.validationAccuracy - result.validationAccuracy),
      recoveredTestAccuracyDrop: 100 * (base.testAccuracy - result.testAccuracy),
      epochs: result.epochs,
      seconds: result.seconds,
      costRelativeToBaseTraining: result.seconds / input.baseTrainingSeconds,
      weights: result.weights,
    });
    input.onProgress?.({ rowId: row.id, done: index + 1, total: rows.length });
  }
  return recovered;
}
