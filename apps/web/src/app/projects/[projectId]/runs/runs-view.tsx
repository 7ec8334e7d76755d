"use client";

import { Alert, Button, Group, NativeSelect, Stack, Text, Title } from "@mantine/core";
import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { LiveConnectionNotice } from "@/components/live/live-connection-notice";
import { useProjectUpdates } from "@/components/live/use-project-updates";
import { RunTable } from "@/components/runs/run-table";
import { MAX_COMPARED_RUNS, useRunSelection } from "@/components/runs/use-run-selection";
import { api } from "@/lib/api-client";
import type { RouterOutputs } from "@/lib/router-outputs";

type Status = "" | "queued" | "running" | "succeeded" | "failed" | "canceled";

export interface RunsViewProps {
  readonly projectId: string;
  readonly experimentNames: Readonly<Record<string, string>>;
  readonly firstPage: RouterOutputs["run"]["list"];
}

/** Every run of the project, across experiments: pick up to 50 and compare them. */
export function RunsView({ projectId, experimentNames, firstPage }: RunsViewProps) {
  const router = useRouter();
  const [status, setStatus] = useState<Status>("");
  const { selected, toggle, addAll, clear } = useRunSelection();
  const queryClient = useQueryClient();
  // Refetched when the server says runs changed (queued, claimed, progressed, finished), never on a timer.
  const connection = useProjectUpdates(projectId, () => {
    void queryClient.invalidateQueries({ queryKey: ["run.list", projectId] });
  });
  const query = useInfiniteQuery({
    queryKey: ["run.list", projectId, status],
    queryFn: ({ pageParam }) =>
      api.run.list.query({
        projectId,
        limit: 100,
        ...(status === "" ? {} : { status }),
        ...(pageParam === null ? {} : { cursor: pageParam }),
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    ...(status === "" ? { initialData: { pages: [firstPage], pageParams: [null] } } : {}),
  });
  const runs = query.data?.pages.flatMap((page) => page.items) ?? [];
  const finished = runs.filter((run) => run.status === "succeeded").map((run) => run.id);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Runs</Title>
        <Group>
          <Text size="sm" c="dimmed" aria-live="polite">
            {selected.size} selected (up to {MAX_COMPARED_RUNS})
          </Text>
          <Button variant="default" onClick={() => addAll(finished)} disabled={finished.length === 0}>
            Select all finished
          </Button>
          <Button variant="default" onClick={clear} disabled={selected.size === 0}>
            Clear
          </Button>
          <Button
            disabled={selected.size === 0}
            onClick={() => router.push(`/projects/${projectId}/compare?runs=${[...selected].join(",")}`)}
          >
            Compare {selected.size > 0 ? `${selected.size} runs` : ""}
          </Button>
        </Group>
      </Group>
      <LiveConnectionNotice connection={connection} />
      <NativeSelect
        label="Status"
        w={200}
        value={status}
        onChange={(event) => setStatus(event.currentTarget.value as Status)}
        data={[{ value: "", label: "any" }, ...["queued", "running", "succeeded", "failed", "canceled"]]}
      />
      {query.error !== null && <Alert color="red">{query.error.message}</Alert>}
      <RunTable
        projectId={projectId}
        runs={runs}
        experimentNames={experimentNames}
        selected={selected}
        onToggle={toggle}
      />
      {query.hasNextPage && (
        <Button variant="default" onClick={() => query.fetchNextPage()} loading={query.isFetchingNextPage}>
          Load more
        </Button>
      )}
    </Stack>
  );
}
