import type { PruningThreshold } from "@deadweight/core";

/**
 * The columns of a result row a candidate decision rests on: explicit, so a new column never leaks
 * by accident, and shared by the candidate query, the candidate list and every history snapshot.
 */
export const tradeOffRowSelect = {
  id: true,
  runId: true,
  rowKey: true,
  status: true,
  threshold: true,
  keptNeurons: true,
  keptNeuronTotal: true,
  parameters: true,
  bytes: true,
  validationAccuracy: true,
  testAccuracy: true,
  validationAccuracyDrop: true,
  testAccuracyDrop: true,
  parameterReductionPercent: true,
  neuronReductionPercent: true,
  pareto: true,
  run: { select: { experiment: { select: { id: true, name: true } } } },
} as const;

interface TradeOffRow {
  readonly id: string;
  readonly runId: string;
  readonly rowKey: string;
  readonly threshold: string;
  readonly keptNeurons: string;
  readonly keptNeuronTotal: number;
  readonly parameters: number;
  readonly bytes: number;
  readonly validationAccuracy: number | null;
  readonly testAccuracy: number | null;
  readonly validationAccuracyDrop: number | null;
  readonly testAccuracyDrop: number | null;
  readonly parameterReductionPercent: number;
  readonly neuronReductionPercent: number;
  readonly pareto: boolean;
  readonly run: { readonly experiment: { readonly id: string; readonly name: string } };
}

/**
 * The trade-off numbers of one result row. Stored as JSON in every candidate event, so the history
 * still says what was chosen and why after the run itself is deleted. Accuracies are fractions in
 * [0, 1]; drops are in percentage points (positive: the pruned model is worse).
 */
export interface TradeOffSnapshot {
  readonly resultRowId: string;
  readonly runId: string;
  readonly experimentId: string;
  readonly experimentName: string;
  /** The sweep's id of the threshold, e.g. "mean0.1-std0.4". */
  readonly rowKey: string;
  readonly threshold: PruningThreshold;
  /** Neurons kept per hidden layer. */
  readonly keptNeurons: number[];
  readonly keptNeuronTotal: number;
  readonly parameters: number;
  readonly bytes: number;
  readonly validationAccuracy: number | null;
  readonly testAccuracy: number | null;
  readonly validationAccuracyDrop: number | null;
  readonly testAccuracyDrop: number | null;
  readonly parameterReductionPercent: number;
  readonly neuronReductionPercent: number;
  readonly pareto: boolean;
}

/** The snapshot of a row loaded with tradeOffRowSelect. */
export function tradeOffOf(row: TradeOffRow): TradeOffSnapshot {
  return {
    resultRowId: row.id,
    runId: row.runId,
    experimentId: row.run.experiment.id,
    experimentName: row.run.experiment.name,
    rowKey: row.rowKey,
    // Both columns are JSON written by the result recorder from the core's SweepRow.
    threshold: JSON.parse(row.threshold) as PruningThreshold,
    keptNeurons: JSON.parse(row.keptNeurons) as number[],
    keptNeuronTotal: row.keptNeuronTotal,
    parameters: row.parameters,
    bytes: row.bytes,
    validationAccuracy: row.validationAccuracy,
    testAccuracy: row.testAccuracy,
    validationAccuracyDrop: row.validationAccuracyDrop,
    testAccuracyDrop: row.testAccuracyDrop,
    parameterReductionPercent: row.parameterReductionPercent,
    neuronReductionPercent: row.neuronReductionPercent,
    pareto: row.pareto,
  };
}
