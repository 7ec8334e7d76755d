import { Code, Table, Text } from "@mantine/core";
import { memo } from "react";
import { ArtifactLink } from "@/components/artifacts/artifact-link";
import { plainCellProps, plainRowProps } from "@/components/tables/plain-table-rows";
import { formatBytes } from "@/lib/format";
import type { ArtifactView } from "@/lib/router-outputs";

// Plain rows and cells (see plain-table-rows): a finished run stores ~50 files.
const ROW = plainRowProps();
const CELL = plainCellProps();
// What Mantine's <Code> puts on its element.
const CODE_CLASS = `${Code.classes.root} mantine-Code-root`;

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
          <tr key={artifact.id} {...ROW}>
            <td {...CELL}>
              <ArtifactLink artifact={artifact}>{artifact.name}</ArtifactLink>
            </td>
            <td {...CELL}>{artifact.kind}</td>
            <td {...CELL}>{formatBytes(artifact.sizeBytes)}</td>
            <td {...CELL}>
              <code className={CODE_CLASS} dir="ltr" title={artifact.sha256}>
                {artifact.sha256.slice(0, 12)}…
              </code>
            </td>
          </tr>
        ))}
      </Table.Tbody>
    </Table>
  );
});
