import { Code, Table, Text } from "@mantine/core";
import { memo } from "react";
import { ArtifactLink } from "@/components/artifacts/artifact-link";
import { formatBytes } from "@/lib/format";
import type { ArtifactView } from "@/lib/router-outputs";

/** A run's stored files with their size and sha256; downloads stream from the server. */
export const ArtifactTable = memo(function ArtifactTable({
  artifacts,
}: {
  readonly artifacts: readonly ArtifactView[];
}) {
  if (artifacts.length === 0) {
    return (
      <Text c="dimmed" size="sm">
        No artifacts yet: the worker stores the base model after training and the Pareto models after the sweep.
      </Text>
    );
  }
  return (
    <Table aria-label="Artifacts" data-testid="artifact-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Name</Table.Th>
          <Table.Th>Kind</Table.Th>
          <Table.Th>Size</Table.Th>
          <Table.Th>sha256</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {artifacts.map((artifact) => (
          <Table.Tr key={artifact.id}>
            <Table.Td>
              <ArtifactLink artifact={artifact}>{artifact.name}</ArtifactLink>
            </Table.Td>
            <Table.Td>{artifact.kind}</Table.Td>
            <Table.Td>{formatBytes(artifact.sizeBytes)}</Table.Td>
            <Table.Td>
              <Code title={artifact.sha256}>{artifact.sha256.slice(0, 12)}…</Code>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
});
