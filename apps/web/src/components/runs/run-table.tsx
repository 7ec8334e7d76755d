"use client";

import { Anchor, Checkbox, Code, Table, Text, VisuallyHidden } from "@mantine/core";
import Link from "next/link";
import { formatDateTime } from "@/lib/format";
import type { RouterOutputs } from "@/lib/router-outputs";
import { RunStatusBadge } from "./run-status-badge";

export type RunSummary = RouterOutputs["run"]["list"]["items"][number];

export interface RunTableProps {
  readonly projectId: string;
  readonly runs: readonly RunSummary[];
  /** Experiment names by id, to say which experiment each run belongs to. */
  readonly experimentNames?: Readonly<Record<string, string>>;
  readonly selected: ReadonlySet<string>;
  readonly onToggle: (runId: string) => void;
}

/** Runs with a checkbox each, for choosing what to compare. */
export function RunTable({ projectId, runs, experimentNames, selected, onToggle }: RunTableProps) {
  if (runs.length === 0) {
    return <Text c="dimmed">No runs here yet.</Text>;
  }
  return (
    <Table striped highlightOnHover aria-label="Runs" data-testid="run-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={40}>
            <VisuallyHidden>Select</VisuallyHidden>
          </Table.Th>
          <Table.Th>Run</Table.Th>
          {experimentNames !== undefined && <Table.Th>Experiment</Table.Th>}
          <Table.Th>Seed</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Stage</Table.Th>
          <Table.Th>Attempt</Table.Th>
          <Table.Th>Queued</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {runs.map((run) => (
          <Table.Tr key={run.id} data-run-id={run.id}>
            <Table.Td>
              <Checkbox
                aria-label={`Select run ${run.id}`}
                checked={selected.has(run.id)}
                onChange={() => onToggle(run.id)}
                disabled={run.status !== "succeeded"}
                title={run.status === "succeeded" ? undefined : "only finished runs have results to compare"}
              />
            </Table.Td>
            <Table.Td>
              <Anchor component={Link} href={`/projects/${projectId}/runs/${run.id}`}>
                <Code>{run.id.slice(-8)}</Code>
              </Anchor>
            </Table.Td>
            {experimentNames !== undefined && <Table.Td>{experimentNames[run.experimentId] ?? run.experimentId}</Table.Td>}
            <Table.Td>{run.seed ?? "–"}</Table.Td>
            <Table.Td>
              <RunStatusBadge status={run.status} />
            </Table.Td>
            <Table.Td>{run.stage ?? "–"}</Table.Td>
            <Table.Td>{run.attempt}</Table.Td>
            <Table.Td>{formatDateTime(run.queuedAt)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
