"use client";

import { Stack, Table, Text } from "@mantine/core";
import { memo, useMemo } from "react";
import { plainCellProps, plainRowProps } from "@/components/tables/plain-table-rows";
import type { RunComparison } from "@/lib/router-outputs";
import { useWindowedRows } from "./windowed-rows";

const ROW_HEIGHT = 32;
const VIEWPORT_HEIGHT = 520;
// Plain rows and cells (see plain-table-rows), styled as Mantine's ff="monospace" fz="xs" and bg="yellow.1" drew them.
const ROW = plainRowProps();
const CELL = plainCellProps(true);
const MONOSPACE = { fontFamily: "var(--mantine-font-family-monospace)", fontSize: "var(--mantine-font-size-xs)" };
const MONOSPACE_NOWRAP = { ...MONOSPACE, whiteSpace: "nowrap" } as const;
const MONOSPACE_DIFFERING = { ...MONOSPACE_NOWRAP, background: "var(--mantine-color-yellow-1)" } as const;

export interface ConfigDiffTableProps {
  readonly comparison: RunComparison;
  readonly labels: ReadonlyMap<string, string>;
  readonly hideIdentical: boolean;
  readonly baseline: string | null;
}

type DifferingField = Extract<RunComparison["config"][number], { differs: true }>;

/**
 * The configuration of many runs in two tables that stay narrow at 200 runs: one row per field (its
 * value, or how many distinct values the runs have), then one row per run (rendered only where
 * scrolled to) with only the fields that differ, cells that differ from the pinned baseline marked.
 */
export function ConfigDiffTable({ comparison, labels, hideIdentical, baseline }: ConfigDiffTableProps) {
  const fields = hideIdentical ? comparison.config.filter((field) => field.differs) : comparison.config;
  if (fields.length === 0) {
    return (
      <Text c="dimmed" size="sm">
        Every configuration field is identical across these runs.
      </Text>
    );
  }
  return (
    <Stack gap="md">
      {/* The browser's own scrolling: Mantine's ScrollArea measured its thumbs on every load (~60 ms). */}
      <div style={{ maxHeight: 420, overflowY: "auto" }}>
        <Table aria-label="Configuration fields" data-testid="config-diff" withColumnBorders stickyHeader>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Field</Table.Th>
              <Table.Th>Value across the runs</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {fields.map((field) => (
              <tr key={field.path} {...ROW} data-field={field.path} data-differs={field.differs}>
                <td {...CELL} style={field.differs ? { fontWeight: 700 } : undefined}>
                  {field.path}
                  {field.differs ? " ≠" : ""}
                </td>
                <td {...CELL} style={MONOSPACE}>
                  {field.differs ? distinctValuesOf(field.values) : JSON.stringify(field.value)}
                </td>
              </tr>
            ))}
          </Table.Tbody>
        </Table>
      </div>
      <DifferingFieldsByRun comparison={comparison} labels={labels} baseline={baseline} />
    </Stack>
  );
}

/**
 * One row per run (rendered only where scrolled to) with only the fields that differ. Apart and
 * memoised: "hide identical fields" does not change it, so flipping the switch leaves it alone.
 */
const DifferingFieldsByRun = memo(function DifferingFieldsByRun({
  comparison,
  labels,
  baseline,
}: Omit<ConfigDiffTableProps, "hideIdentical">) {
  const differing = useMemo(
    () => comparison.config.filter((field): field is DifferingField => field.differs),
    [comparison.config],
  );
  const baselineIndex = comparison.runs.findIndex((run) => run.runId === baseline);
  const rows = useWindowedRows(comparison.runs.length, ROW_HEIGHT, VIEWPORT_HEIGHT);
  if (differing.length === 0) return null;
  return (
    <div
      style={{ maxHeight: VIEWPORT_HEIGHT, overflow: "auto" }}
      onScroll={rows.onScroll}
      data-testid="config-by-run-scroll"
      data-row-height={ROW_HEIGHT}
    >
      <Table
        aria-label="Differing fields per run"
        data-testid="config-by-run"
        data-rows={comparison.runs.length}
        withColumnBorders
        stickyHeader
      >
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Run</Table.Th>
            {differing.map((field) => (
              <Table.Th key={field.path}>{field.path}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.spaceBefore > 0 && <tr aria-hidden style={{ height: rows.spaceBefore }} />}
          {comparison.runs.slice(rows.first, rows.end).map((run, offset) => {
            const index = rows.first + offset;
            return (
              <tr
                key={run.runId}
                {...ROW}
                data-run={run.runId}
                style={index === baselineIndex ? { height: ROW_HEIGHT, fontWeight: 800 } : { height: ROW_HEIGHT }}
              >
                <td {...CELL} style={{ whiteSpace: "nowrap" }}>
                  {labels.get(run.runId)}
                </td>
                {differing.map((field) => {
                  const text = JSON.stringify(field.values[index]);
                  const differsFromBaseline =
                    baselineIndex >= 0 && text !== JSON.stringify(field.values[baselineIndex]);
                  return (
                    <td
                      key={field.path}
                      {...CELL}
                      data-differs-from-baseline={differsFromBaseline || undefined}
                      style={differsFromBaseline ? MONOSPACE_DIFFERING : MONOSPACE_NOWRAP}
                    >
                      {text}
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
  );
});

/** "3 values: 0.001 (×80), 0.002 (×60), 0.003 (×60)", the commonest first, at most five named. */
function distinctValuesOf(values: readonly unknown[]): string {
  const counts = new Map<string, number>();
  for (const value of values) {
    const text = JSON.stringify(value);
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const named = sorted
    .slice(0, 5)
    .map(([text, count]) => `${text} (×${count})`)
    .join(", ");
  return `${counts.size} values: ${named}${sorted.length > 5 ? ", …" : ""}`;
}
