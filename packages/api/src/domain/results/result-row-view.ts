import type { PruningThreshold, SweepRow } from "@deadweight/core";
import type { Prisma } from "@deadweight/db";

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
} satisfies Prisma.ResultRowSelect;

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
};

type StoredResultRow = Omit<ResultRowView, "threshold" | "keptNeurons" | "status"> & {
  threshold: string;
  keptNeurons: string;
  status: string;
};

export function toResultRowView(row: StoredResultRow): ResultRowView {
  return {
    ...row,
    threshold: JSON.parse(row.threshold) as PruningThreshold,
    keptNeurons: JSON.parse(row.keptNeurons) as number[],
    status: row.status as ResultRowView["status"],
  };
}
