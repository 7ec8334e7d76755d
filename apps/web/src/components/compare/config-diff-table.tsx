"use client";

import { ScrollArea, Table, Text } from "@mantine/core";
import type { RunComparison } from "@/lib/router-outputs";

export interface ConfigDiffTableProps {
  readonly comparison: RunComparison;
  readonly labels: ReadonlyMap<string, string>;
  readonly hideIdentical: boolean;
  readonly baseline: string | null;
}

/** Configuration fields as rows, runs as columns; fields that differ are marked, identical ones can be hidden. */
export function ConfigDiffTable({ comparison, labels, hideIdentical, baseline }: ConfigDiffTableProps) {
  const fields = hideIdentical ? comparison.config.filter((field) => field.differs) : comparison.config;
  const baselineIndex = comparison.runs.findIndex((run) => run.runId === baseline);
  if (fields.length === 0) {
    return (
      <Text c="dimmed" size="sm">
        Every configuration field is identical across these runs.
      </Text>
    );
  }
  return (
    <ScrollArea>
      <Table aria-label="Configuration differences" data-testid="config-diff" withColumnBorders>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Field</Table.Th>
            {comparison.runs.map((run) => (
              <Table.Th key={run.runId} fw={run.runId === baseline ? 800 : undefined}>
                {labels.get(run.runId)}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {fields.map((field) => (
            <Table.Tr key={field.path} data-field={field.path} data-differs={field.differs}>
              <Table.Td fw={field.differs ? 700 : undefined}>
                {field.path}
                {field.differs ? " ≠" : ""}
              </Table.Td>
              {field.values.map((value, index) => {
                const text = JSON.stringify(value);
                const differsFromBaseline = baselineIndex >= 0 && text !== JSON.stringify(field.values[baselineIndex]);
                return (
                  <Table.Td
                    key={comparison.runs[index]?.runId ?? index}
                    bg={differsFromBaseline ? "yellow.1" : undefined}
                    ff="monospace"
                    fz="xs"
                  >
                    {text}
                  </Table.Td>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  );
}
