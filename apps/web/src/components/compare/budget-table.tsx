"use client";

import { Anchor, ScrollArea, Table, Text, TextInput } from "@mantine/core";
import Link from "next/link";
import { useMemo, useState } from "react";
import { formatBytes, formatCount } from "@/lib/format";
import type { RunComparison } from "@/lib/router-outputs";
import { bestUnderBudget, defaultSizeBudgets } from "./size-budgets";

export interface BudgetTableProps {
  readonly comparison: RunComparison;
  readonly labels: ReadonlyMap<string, string>;
  readonly baseline: string | null;
  readonly projectId: string;
}

/** Per run and per size budget, the accuracy of the row one would ship. Budgets are editable. */
export function BudgetTable({ comparison, labels, baseline, projectId }: BudgetTableProps) {
  const bytes = comparison.size === "bytes";
  const suggested = useMemo(
    () => defaultSizeBudgets(comparison.series.flatMap((entry) => entry.points.map((point) => point.size))),
    [comparison],
  );
  const [typed, setTyped] = useState<string | null>(null);
  const budgets = typed === null ? suggested : parseBudgets(typed);
  const formatSize = (value: number) => (bytes ? formatBytes(value) : formatCount(value));
  const baselineSeries = comparison.series.find((entry) => entry.runId === baseline);

  return (
    <>
      <TextInput
        label={`Budgets (${bytes ? "bytes" : "parameters"}, comma-separated)`}
        value={typed ?? suggested.join(", ")}
        onChange={(event) => setTyped(event.currentTarget.value)}
        w={420}
        mb="xs"
      />
      <ScrollArea>
        <Table striped aria-label="Best row per size budget" data-testid="budget-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Run</Table.Th>
              {budgets.map((budget) => (
                <Table.Th key={budget}>≤ {formatSize(budget)}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {comparison.series.map((entry) => (
              <Table.Tr key={entry.runId} fw={entry.runId === baseline ? 700 : undefined}>
                <Table.Td>
                  <Anchor component={Link} href={`/projects/${projectId}/runs/${entry.runId}`}>
                    {labels.get(entry.runId)}
                  </Anchor>
                  {entry.runId === baseline && (
                    <Text span size="xs" c="dimmed">
                      {" "}
                      (baseline)
                    </Text>
                  )}
                </Table.Td>
                {budgets.map((budget) => {
                  const pick = bestUnderBudget(entry.points, budget);
                  const reference =
                    baselineSeries === undefined || entry.runId === baseline
                      ? null
                      : bestUnderBudget(baselineSeries.points, budget);
                  return (
                    <Table.Td
                      key={budget}
                      title={pick === null ? "nothing fits" : `${pick.rowKey}, ${formatSize(pick.size)}`}
                    >
                      {pick === null ? "–" : `${(pick.testAccuracy * 100).toFixed(2)}%`}
                      {pick !== null && reference !== null && (
                        <Text span size="xs" c={pick.testAccuracy >= reference.testAccuracy ? "green" : "red"}>
                          {" "}
                          ({pick.testAccuracy >= reference.testAccuracy ? "+" : "−"}
                          {Math.abs((pick.testAccuracy - reference.testAccuracy) * 100).toFixed(2)})
                        </Text>
                      )}
                    </Table.Td>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
    </>
  );
}

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
