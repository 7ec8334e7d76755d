"use client";

import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  NativeSelect,
  Stack,
  Table,
  TagsInput,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { keepPreviousData, useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { LiveConnectionNotice } from "@/components/live/live-connection-notice";
import { useProjectUpdates } from "@/components/live/use-project-updates";
import { RunStatusBadge } from "@/components/runs/run-status-badge";
import { api } from "@/lib/api-client";
import { formatDateTime } from "@/lib/format";
import type { ExperimentListPage } from "@/lib/router-outputs";

type Status = "queued" | "running" | "succeeded" | "failed" | "canceled";
type SortKey = "createdAt:desc" | "createdAt:asc" | "name:asc" | "name:desc";

export interface ExperimentsViewProps {
  readonly projectId: string;
  readonly canEdit: boolean;
  readonly firstPage: ExperimentListPage;
}

/** The project's experiments: search, filters, sorting, and each one's latest run. */
export function ExperimentsView({ projectId, canEdit, firstPage }: ExperimentsViewProps) {
  const [search, setSearch] = useState("");
  const [tags, setTags] = useState<string[]>([]);
  const [status, setStatus] = useState<"" | Status>("");
  const [dataset, setDataset] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [sort, setSort] = useState<SortKey>("createdAt:desc");
  const [debouncedSearch] = useDebouncedValue(search.trim(), 250);
  const [debouncedDataset] = useDebouncedValue(dataset.trim(), 250);
  const [field, direction] = sort.split(":") as ["createdAt" | "name", "asc" | "desc"];

  const filters = {
    projectId,
    limit: 25,
    sort: { field, direction },
    ...(debouncedSearch === "" ? {} : { search: debouncedSearch }),
    ...(tags.length === 0 ? {} : { tags }),
    ...(status === "" ? {} : { status }),
    ...(debouncedDataset === "" ? {} : { dataset: debouncedDataset }),
    ...(from === "" && to === ""
      ? {}
      : {
          created: {
            ...(from === "" ? {} : { from: new Date(`${from}T00:00:00`).toISOString() }),
            ...(to === "" ? {} : { to: new Date(`${to}T23:59:59.999`).toISOString() }),
          },
        }),
  };
  const unfiltered = Object.keys(filters).length === 3 && sort === "createdAt:desc";

  const query = useInfiniteQuery({
    queryKey: ["experiment.list", filters],
    queryFn: ({ pageParam }) =>
      api.experiment.list.query({ ...filters, ...(pageParam === null ? {} : { cursor: pageParam }) } as never),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    placeholderData: keepPreviousData,
    ...(unfiltered ? { initialData: { pages: [firstPage], pageParams: [null] } } : {}),
  });
  const queryClient = useQueryClient();
  // Each experiment shows its latest run: refetched when the server says the project's runs changed.
  const connection = useProjectUpdates(projectId, () => {
    void queryClient.invalidateQueries({
      queryKey: ["experiment.list"],
      predicate: (cached) => (cached.queryKey[1] as { projectId?: string } | undefined)?.projectId === projectId,
    });
  });
  const experiments = query.data?.pages.flatMap((page) => page.items) ?? [];
  const filtering = !unfiltered;

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Experiments</Title>
        {canEdit && (
          <Button component={Link} href={`/projects/${projectId}/experiments/new`}>
            New experiment
          </Button>
        )}
      </Group>
      <LiveConnectionNotice connection={connection} />
      <Group align="end" gap="sm" role="search" aria-label="Filter experiments">
        <TextInput
          label="Search"
          placeholder="name or description"
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
        />
        <TagsInput label="Tags (all of)" value={tags} onChange={setTags} placeholder="type, then Enter" w={220} />
        <NativeSelect
          label="Run status"
          value={status}
          onChange={(event) => setStatus(event.currentTarget.value as "" | Status)}
          data={[
            { value: "", label: "any" },
            ...["queued", "running", "succeeded", "failed", "canceled"].map((value) => ({ value, label: value })),
          ]}
        />
        <TextInput
          label="Dataset"
          placeholder="mnist"
          value={dataset}
          onChange={(event) => setDataset(event.currentTarget.value)}
          w={140}
        />
        <TextInput
          label="Created from"
          type="date"
          value={from}
          onChange={(event) => setFrom(event.currentTarget.value)}
        />
        <TextInput label="to" type="date" value={to} onChange={(event) => setTo(event.currentTarget.value)} />
        <NativeSelect
          label="Sort"
          value={sort}
          onChange={(event) => setSort(event.currentTarget.value as SortKey)}
          data={[
            { value: "createdAt:desc", label: "newest first" },
            { value: "createdAt:asc", label: "oldest first" },
            { value: "name:asc", label: "name A→Z" },
            { value: "name:desc", label: "name Z→A" },
          ]}
        />
      </Group>
      {query.error !== null && (
        <Alert color="red" title="The list could not be loaded">
          {query.error.message}
        </Alert>
      )}
      {experiments.length === 0 && !query.isFetching ? (
        <Alert color="gray" title={filtering ? "Nothing matches these filters" : "No experiment yet"}>
          {filtering
            ? "Clear a filter or two to see more."
            : canEdit
              ? "Create one with “New experiment”: a dataset, a network, a threshold grid. A worker picks it up at once."
              : "Members of this team create experiments; as a viewer you will see them here."}
        </Alert>
      ) : (
        <Table striped highlightOnHover aria-label="Experiments">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Tags</Table.Th>
              <Table.Th>Dataset</Table.Th>
              <Table.Th>Runs</Table.Th>
              <Table.Th>Latest run</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>By</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {experiments.map((experiment) => (
              <Table.Tr key={experiment.id}>
                <Table.Td>
                  <Anchor component={Link} href={`/projects/${projectId}/experiments/${experiment.id}`}>
                    {experiment.name}
                  </Anchor>
                  {experiment.description !== "" && (
                    <Text size="xs" c="dimmed" lineClamp={1}>
                      {experiment.description}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {experiment.tags.map((tag) => (
                      <Badge key={tag} variant="outline" size="sm">
                        {tag}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>{experiment.dataset}</Table.Td>
                <Table.Td>{experiment.runCount}</Table.Td>
                <Table.Td>
                  {experiment.latestRun === null ? (
                    "–"
                  ) : (
                    <Anchor component={Link} href={`/projects/${projectId}/runs/${experiment.latestRun.id}`}>
                      <RunStatusBadge status={experiment.latestRun.status} />
                    </Anchor>
                  )}
                </Table.Td>
                <Table.Td>{formatDateTime(experiment.createdAt)}</Table.Td>
                <Table.Td>{experiment.createdBy.name}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {query.hasNextPage && (
        <Button variant="default" onClick={() => query.fetchNextPage()} loading={query.isFetchingNextPage}>
          Load more
        </Button>
      )}
    </Stack>
  );
}
