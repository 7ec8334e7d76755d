"use client";

import { Table, TextInput } from "@mantine/core";
import Link from "next/link";
import { memo, useMemo, useState } from "react";
import { ANCHOR_LOOK } from "@/components/links/anchor-look";
import { plainCellProps, plainRowProps } from "@/components/tables/plain-table-rows";
import { formatBytes, formatCount } from "@/lib/format";
import type { RunComparison } from "@/lib/router-outputs";
import classes from "./budget-table.module.css";
import { bestUnderBudget, defaultSizeBudgets } from "./size-budgets";
import { useWindowedRows } from "./windowed-rows";

const ROW_HEIGHT = 36;
const VIEWPORT_HEIGHT = 520;
// Plain rows and cells (see plain-table-rows): up to ~25 rows x budgets are rendered at a time.
const ROW = plainRowProps();
const CELL = plainCellProps();

export interface BudgetTableProps {
  /** Frontier points suffice: the best row under a budget is always on its run's frontier. */
  readonly comparison: RunComparison;
  readonly labels: ReadonlyMap<string, string>;
  readonly baseline: string | null;
  readonly projectId: string;
}

/**
 * Per run (a row each, so 200 runs stay a readable list, rendered only where scrolled to) and per
 * size budget (a column each), the accuracy of the row one would ship. Budgets are editable.
 */
export const BudgetTable = memo(function BudgetTable({ comparison, labels, baseline, projectId }: BudgetTableProps) {
  const bytes = comparison.size === "bytes";
  const suggested = useMemo(
    () => defaultSizeBudgets(comparison.series.flatMap((entry) => entry.points.sizes)),
    [comparison],
  );
  const [typed, setTyped] = useState<string | null>(null);
  const budgets = useMemo(() => (typed === null ? suggested : parseBudgets(typed)), [typed, suggested]);
  const formatSize = (value: number) => (bytes ? formatBytes(value) : formatCount(value));
  const baselineSeries = comparison.series.find((entry) => entry.runId === baseline);
  const picks = useMemo(
    () => comparison.series.map((entry) => budgets.map((budget) => bestUnderBudget(entry.points, budget))),
    [comparison, budgets],
  );
  const rows = useWindowedRows(comparison.series.length, ROW_HEIGHT, VIEWPORT_HEIGHT);
  const baselinePicks =
    baselineSeries === undefined ? null : budgets.map((budget) => bestUnderBudget(baselineSeries.points, budget));

  return (
    <>
      <TextInput
        label={`Budgets (${bytes ? "bytes" : "parameters"}, comma-separated)`}
        value={typed ?? suggested.join(", ")}
        onChange={(event) => setTyped(event.currentTarget.value)}
        w={420}
        mb="xs"
      />
      <div
        style={{ maxHeight: VIEWPORT_HEIGHT, overflowY: "auto" }}
        onScroll={rows.onScroll}
        data-testid="budget-table-scroll"
        data-row-height={ROW_HEIGHT}
      >
        <Table
          stickyHeader
          aria-label="Best row per size budget"
          data-testid="budget-table"
          data-rows={comparison.series.length}
        >
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Run</Table.Th>
              {budgets.map((budget) => (
                <Table.Th key={budget}>≤ {formatSize(budget)}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.spaceBefore > 0 && <tr aria-hidden style={{ height: rows.spaceBefore }} />}
            {comparison.series.slice(rows.first, rows.end).map((entry, offset) => {
              const row = rows.first + offset;
              return (
                <tr
                  key={entry.runId}
                  {...ROW}
                  data-run={entry.runId}
                  style={
                    entry.runId === baseline
                      ? { height: ROW_HEIGHT, background: "var(--mantine-color-blue-0)", fontWeight: 700 }
                      : { height: ROW_HEIGHT }
                  }
                >
                  <td {...CELL} style={{ whiteSpace: "nowrap" }}>
                    {/* No prefetch: 200 visible links would each fetch a run page. */}
                    <Link {...ANCHOR_LOOK} prefetch={false} href={`/projects/${projectId}/runs/${entry.runId}`}>
                      {labels.get(entry.runId)}
                    </Link>
                    {entry.runId === baseline && <span className={classes.dimmed}> (baseline)</span>}
                  </td>
                  {budgets.map((budget, column) => {
                    const pick = picks[row]?.[column] ?? null;
                    const test = pick === null ? null : (entry.points.testAccuracies[pick] ?? null);
                    const referencePick = entry.runId === baseline ? null : (baselinePicks?.[column] ?? null);
                    const reference =
                      referencePick === null || baselineSeries === undefined
                        ? null
                        : (baselineSeries.points.testAccuracies[referencePick] ?? null);
                    return (
                      <td
                        key={budget}
                        {...CELL}
                        style={{ whiteSpace: "nowrap" }}
                        data-budget={budget}
                        data-row-key={pick === null ? undefined : entry.points.rowKeys[pick]}
                        title={
                          pick === null
                            ? "nothing fits"
                            : `${entry.points.rowKeys[pick]}, ${formatSize(entry.points.sizes[pick] ?? 0)}`
                        }
                      >
                        {test === null ? "–" : `${(test * 100).toFixed(2)}%`}
                        {test !== null && reference !== null && (
                          <span className={test >= reference ? classes.better : classes.worse}>
                            {" "}
                            ({test >= reference ? "+" : "−"}
                            {Math.abs((test - reference) * 100).toFixed(2)})
                          </span>
                        )}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
            {rows.spaceAfter > 0 && <tr aria-hidden style={{ height: rows.spaceAfter }} />}
          </Table.Tbody>
        </Table>
      </div>
    </>
  );
});

function parseBudgets(text: string): number[] {
  return [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((part) => Number(part))
        .filter((value) => Number.isFinite(value) && value > 0),
    ),
  ].sort((a, b) => a - b);
}
