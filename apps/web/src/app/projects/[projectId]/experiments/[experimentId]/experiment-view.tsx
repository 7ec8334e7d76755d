"use client";

import { Alert, Badge, Button, Code, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { LiveConnectionNotice } from "@/components/live/live-connection-notice";
import { useProjectUpdates } from "@/components/live/use-project-updates";
import { RunTable } from "@/components/runs/run-table";
import { useRunSelection } from "@/components/runs/use-run-selection";
import { api } from "@/lib/api-client";
import { errorMessageOf } from "@/lib/api-errors";
import { formatDateTime } from "@/lib/format";
import type { RouterOutputs } from "@/lib/router-outputs";

export interface ExperimentViewProps {
  readonly projectId: string;
  readonly canEdit: boolean;
  readonly experiment: RouterOutputs["experiment"]["get"];
  readonly firstRuns: RouterOutputs["run"]["list"];
}

/** One experiment: its full configuration and its runs (queue another, compare some). */
export function ExperimentView({ projectId, canEdit, experiment, firstRuns }: ExperimentViewProps) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const runs = useQuery({
    queryKey: ["run.list", "experiment", experiment.id],
    queryFn: () => api.run.list.query({ experimentId: experiment.id, limit: 100 }),
    initialData: firstRuns,
  }).data.items;
  // Refetched when the server says the project's runs changed; a new run's id is not known here, so any change counts.
  const connection = useProjectUpdates(projectId, () => {
    void queryClient.invalidateQueries({ queryKey: ["run.list", "experiment", experiment.id] });
  });
  const { selected, toggle } = useRunSelection();
  const queue = useMutation({
    mutationFn: () => api.run.queue.mutate({ experimentId: experiment.id }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["run.list", "experiment", experiment.id] }),
  });

  return (
    <Stack>
      <Group justify="space-between" align="start">
        <div>
          <Title order={2}>{experiment.name}</Title>
          <Text size="sm" c="dimmed">
            {experiment.dataset} · created {formatDateTime(experiment.createdAt)} by {experiment.createdBy.name}
          </Text>
          <Group gap={4} mt={4}>
            {experiment.tags.map((tag) => (
              <Badge key={tag} variant="outline" size="sm">
                {tag}
              </Badge>
            ))}
          </Group>
        </div>
        <Group>
          <Button
            variant="default"
            disabled={selected.size === 0}
            onClick={() => router.push(`/projects/${projectId}/compare?runs=${[...selected].join(",")}`)}
          >
            Compare selected
          </Button>
          {canEdit && (
            <Button onClick={() => queue.mutate()} loading={queue.isPending}>
              Queue another run
            </Button>
          )}
        </Group>
      </Group>
      <LiveConnectionNotice connection={connection} />
      {experiment.description !== "" && <Text>{experiment.description}</Text>}
      {queue.error !== null && <Alert color="red">{errorMessageOf(queue.error)}</Alert>}
      <RunTable projectId={projectId} runs={runs} selected={selected} onToggle={toggle} />
      <Paper withBorder p="md">
        <Title order={4} mb="xs">
          Configuration
        </Title>
        <Code block data-testid="experiment-config">
          {JSON.stringify(experiment.config, null, 2)}
        </Code>
      </Paper>
    </Stack>
  );
}
