import type { PruningThreshold, SweepRow } from "@deadweight/core";
import type { Prisma } from "@deadweight/db";
import type { RowBundle, RowRecovery } from "@deadweight/protocol";

/** Every stored field of a result row; threshold and keptNeurons are decoded by toResultRowView. */
export const resultRowSelect = {
  id: true,
  runId: true,
  rowKey: true,
  position: true,
  threshold: true,
  status: true,
  note: true,
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
  latencyMsPerSample: true,
  pareto: true,
  recovery: true,
  bundles: true,
} satisfies Prisma.ResultRowSelect;

/** The same fields as column names, for the read path. */
export const RESULT_ROW_COLUMNS = Object.keys(resultRowSelect) as Array<keyof typeof resultRowSelect>;

/**
 * One sweep row as stored: the core's SweepRow (its id is stored as rowKey; a missing note is null)
 * plus where it sits.
 */
export type ResultRowView = Omit<SweepRow, "id" | "note"> & {
  readonly id: string;
  readonly runId: string;
  readonly rowKey: string;
  readonly position: number;
  readonly note: string | null;
  /** After recovery fine-tuning; null when the row was not fine-tuned. */
  readonly recovery: RowRecovery | null;
  /** The row measured as deployable bundles (one per weights version and dtype); empty when not measured. */
  readonly bundles: RowBundle[];
};

type StoredResultRow = Omit<ResultRowView, "threshold" | "keptNeurons" | "status" | "recovery" | "bundles"> & {
  threshold: string;
  keptNeurons: string;
  status: string;
  recovery: string | null;
  bundles: string | null;
};

export function toResultRowView(row: StoredResultRow): ResultRowView {
  return {
    ...row,
    threshold: JSON.parse(row.threshold) as PruningThreshold,
    keptNeurons: JSON.parse(row.keptNeurons) as number[],
    status: row.status as ResultRowView["status"],
    recovery: row.recovery === null ? null : (JSON.parse(row.recovery) as RowRecovery),
    bundles: row.bundles === null ? [] : (JSON.parse(row.bundles) as RowBundle[]),
  };
}
