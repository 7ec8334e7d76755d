"use client";

import { Code, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { formatBytes, formatDateTime } from "@/lib/format";
import type { RouterOutputs } from "@/lib/router-outputs";

export interface DatasetsTableProps {
  readonly datasets: RouterOutputs["dataset"]["list"];
}

/** The team's datasets the platform stores: what an experiment writes to use one, its files, who uploaded it. */
export function DatasetsTable({ datasets }: DatasetsTableProps) {
  return (
    <Stack>
      <Title order={2}>Datasets</Title>
      <Text size="sm" c="dimmed">
        Uploaded once, run by any worker of the team (it downloads the files through the API and checks their sha256).
        Upload with <Code>deadweight dataset upload &lt;file.csv | IDX folder&gt; --name &lt;name&gt;</Code>, then name
        it in an experiment's dataset field.
      </Text>
      <Paper withBorder p="sm">
        {datasets.length === 0 ? (
          <Text size="sm">No datasets yet.</Text>
        ) : (
          <Table aria-label="Datasets" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Dataset field</Table.Th>
                <Table.Th>Kind</Table.Th>
                <Table.Th>Files</Table.Th>
                <Table.Th>Uploaded</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {datasets.map((dataset) => (
                <Table.Tr key={dataset.id}>
                  <Table.Td>{dataset.name}</Table.Td>
                  <Table.Td>
                    <Code>{dataset.reference}</Code>
                  </Table.Td>
                  <Table.Td>{dataset.kind}</Table.Td>
                  <Table.Td>
                    {dataset.files.map((file) => (
                      <Text key={file.sha256 + file.name} size="xs">
                        {file.name} · {formatBytes(file.sizeBytes)} · sha256 <Code>{file.sha256.slice(0, 12)}</Code>
                      </Text>
                    ))}
                  </Table.Td>
                  <Table.Td>
                    {dataset.createdBy.name}, {formatDateTime(new Date(dataset.createdAt).toISOString())}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
    </Stack>
  );
}
