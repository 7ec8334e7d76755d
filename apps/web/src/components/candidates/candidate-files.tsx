"use client";

import { Group, Loader, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { ArtifactLink } from "@/components/artifacts/artifact-link";
import { api } from "@/lib/api-client";
import { formatBytes } from "@/lib/format";

/** The model files stored for a result row, as download links (with their sha256 for checking). */
export function CandidateFiles({ runId, resultRowId }: { readonly runId: string; readonly resultRowId: string }) {
  const files = useQuery({
    queryKey: ["artifact.list", runId, resultRowId],
    queryFn: async () => (await api.artifact.list.query({ runId, resultRowId, limit: 100 })).items,
  });
  if (files.isPending) return <Loader size="xs" />;
  if (files.error !== null)
    return (
      <Text size="xs" c="red">
        {files.error.message}
      </Text>
    );
  if (files.data.length === 0)
    return (
      <Text size="xs" c="dimmed">
        no model stored for this row
      </Text>
    );
  return (
    <Group gap="xs">
      {files.data.map((file) => (
        <ArtifactLink key={file.id} artifact={file}>
          {file.name} ({formatBytes(file.sizeBytes)})
        </ArtifactLink>
      ))}
    </Group>
  );
}
