"use client";

import { Anchor, Badge, Table, Text } from "@mantine/core";
import Link from "next/link";
import { formatAccuracy, formatBytes, formatCount, formatDateTime, formatDrop } from "@/lib/format";
import type { TimelineEntry, TimelineRow } from "./timeline-entries";

/** The chart's events as a table, oldest first: what each alias held, and what each landed run offered. */
export function TradeOffHistoryTable({
  projectId,
  entries,
  maxValidationDropPoints,
}: {
  readonly projectId: string;
  readonly entries: readonly TimelineEntry[];
  readonly maxValidationDropPoints: number;
}) {
  return (
    <Table striped aria-label="Trade-off history, oldest first" data-testid="trade-off-history-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>When</Table.Th>
          <Table.Th>What</Table.Th>
          <Table.Th>Row</Table.Th>
          <Table.Th>Size</Table.Th>
          <Table.Th>Validation</Table.Th>
          <Table.Th>Test</Table.Th>
          <Table.Th>Who</Table.Th>
          <Table.Th>Why</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {entries.map((entry) =>
          entry.kind === "alias" ? (
            <Table.Tr
              key={entry.step.eventId}
              data-kind="alias"
              data-alias={entry.alias}
              data-action={entry.step.action}
            >
              <Table.Td>{formatDateTime(entry.at)}</Table.Td>
              <Table.Td>
                <Badge variant="light" color={entry.step.action === "demoted" ? "red" : "indigo"}>
                  {entry.step.action}
                </Badge>{" "}
                {entry.alias}
                {entry.step.action === "demoted" && (
                  <Text size="xs" c="dimmed">
                    left this row
                  </Text>
                )}
              </Table.Td>
              <RowCells projectId={projectId} row={entry.step.row} />
              <Table.Td>{entry.step.actor.name}</Table.Td>
              <Table.Td maw={280}>{entry.step.note}</Table.Td>
            </Table.Tr>
          ) : (
            <Table.Tr key={`run:${entry.run.runId}`} data-kind="run" data-run-id={entry.run.runId}>
              <Table.Td>{formatDateTime(entry.at)}</Table.Td>
              <Table.Td>
                <Badge variant="outline" color="gray">
                  run landed
                </Badge>
                <Text size="xs" c="dimmed">
                  {entry.run.experimentName}
                  {entry.run.seed === null ? "" : `, seed ${entry.run.seed}`}
                </Text>
              </Table.Td>
              {entry.run.offered.kind === "within-drop" ? (
                <RowCells projectId={projectId} row={entry.run.offered.row} />
              ) : (
                <Table.Td colSpan={4}>
                  <Anchor component={Link} href={`/projects/${projectId}/runs/${entry.run.runId}`}>
                    {entry.run.experimentName}
                  </Anchor>
                  <Text size="sm" c="dimmed">
                    {entry.run.offered.kind === "none-within-drop"
                      ? `no row within ${maxValidationDropPoints} validation points of its base (the closest lost ${entry.run.offered.smallestDropPoints.toFixed(2)} points, of ${entry.run.measuredRows} measured rows)`
                      : "no measured row: every threshold emptied a layer"}
                  </Text>
                </Table.Td>
              )}
              <Table.Td>–</Table.Td>
              <Table.Td>
                <Text size="xs" c="dimmed">
                  offered: the smallest of {entry.run.measuredRows} measured rows within {maxValidationDropPoints}{" "}
                  validation points
                </Text>
              </Table.Td>
            </Table.Tr>
          ),
        )}
      </Table.Tbody>
    </Table>
  );
}

function RowCells({ projectId, row }: { readonly projectId: string; readonly row: TimelineRow }) {
  return (
    <>
      <Table.Td>
        <Anchor component={Link} href={`/projects/${projectId}/runs/${row.runId}`}>
          {row.experimentName}
        </Anchor>
        <Text size="xs" c="dimmed">
          {row.rowKey}
        </Text>
      </Table.Td>
      <Table.Td>
        {formatBytes(row.bytes)}
        <Text size="xs" c="dimmed">
          {formatCount(row.parameters)} params
        </Text>
      </Table.Td>
      <Table.Td>
        {formatAccuracy(row.validationAccuracy)}
        <Text size="xs" c="dimmed">
          {formatDrop(row.validationAccuracyDrop)}
        </Text>
      </Table.Td>
      <Table.Td>
        {formatAccuracy(row.testAccuracy)}
        <Text size="xs" c="dimmed">
          {formatDrop(row.testAccuracyDrop)}
        </Text>
      </Table.Td>
    </>
  );
}
