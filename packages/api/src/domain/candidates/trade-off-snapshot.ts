import type { Prisma } from "@deadweight/db";
import { type ResultRowView, resultRowSelect, toResultRowView } from "../results/result-row-view.js";

/**
 * The columns a candidate decision rests on: every stored field of the result row (the same
 * explicit select as a run's results, so a new column never leaks by accident) plus the experiment
 * it came from. Shared by the candidate query, the candidate list and every history snapshot.
 */
export const tradeOffRowSelect = {
  ...resultRowSelect,
  run: { select: { experiment: { select: { id: true, name: true } } } },
} satisfies Prisma.ResultRowSelect;

type TradeOffRow = Parameters<typeof toResultRowView>[0] & {
  readonly run: { readonly experiment: { readonly id: string; readonly name: string } };
};

/**
 * The trade-off numbers of one result row. Stored as JSON in every candidate event, so the history
 * still says what was chosen and why after the run itself is deleted. Accuracies are fractions in
 * [0, 1]; drops are in percentage points (positive: the pruned model is worse).
 */
export type TradeOffSnapshot = Omit<
  ResultRowView,
  "id" | "position" | "note" | "status" | "latencyMsPerSample" | "recovery" | "bundles"
> & {
  readonly resultRowId: string;
  readonly experimentId: string;
  readonly experimentName: string;
};

/** The snapshot of a row loaded with tradeOffRowSelect. */
export function tradeOffOf(row: TradeOffRow): TradeOffSnapshot {
  const { run, ...stored } = row;
  const { id, position, note, status, latencyMsPerSample, recovery, bundles, ...numbers } = toResultRowView(stored);
  return { resultRowId: id, experimentId: run.experiment.id, experimentName: run.experiment.name, ...numbers };
}
