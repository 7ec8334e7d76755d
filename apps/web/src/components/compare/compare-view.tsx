"use client";

import {
  Alert,
  Anchor,
  Group,
  Loader,
  NativeSelect,
  Paper,
  SegmentedControl,
  Stack,
  Switch,
  Text,
  Title,
} from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useState } from "react";
import { api } from "@/lib/api-client";
import { errorMessageOf } from "@/lib/api-errors";
import type { RunComparison } from "@/lib/router-outputs";
import { BudgetTable } from "./budget-table";
import { ConfigPanel } from "./config-panel";
import { OverlayChart } from "./overlay-chart";
import { runLabelsOf } from "./run-labels";

export interface CompareViewProps {
  readonly projectId: string;
  readonly initial: RunComparison;
  readonly initialBaseline: string | null;
}

/**
 * Many runs (up to 200) side by side: overlaid trade-off curves, a pinned baseline, the config diff,
 * the best row per budget. The page brings each run's frontier; every point is fetched only when the
 * reader asks for it.
 */
export function CompareView({ projectId, initial, initialBaseline }: CompareViewProps) {
  const runIds = useMemo(() => initial.runs.map((run) => run.runId), [initial]);
  const [size, setSize] = useState<"bytes" | "parameters">(initial.size);
  const [allPoints, setAllPoints] = useState(false);
  const [baseline, setBaseline] = useState<string | null>(initialBaseline);
  const query = useQuery({
    queryKey: ["compare.runs", runIds, size, "frontier"],
    queryFn: () => api.compare.runs.query({ runIds, size, points: "frontier" }),
    placeholderData: keepPreviousData,
    ...(size === initial.size && initial.points === "frontier" ? { initialData: initial } : {}),
  });
  const everyPoint = useQuery({
    queryKey: ["compare.runs", runIds, size, "all"],
    queryFn: () => api.compare.runs.query({ runIds, size, points: "all" }),
    enabled: allPoints,
  });
  // The frontier answer feeds the tables (the best row under a budget is always a frontier point).
  const comparison = query.data ?? initial;
  const drawn = allPoints && everyPoint.data !== undefined ? everyPoint.data : comparison;
  const labels = useMemo(() => runLabelsOf(comparison.runs), [comparison.runs]);
  const missing = comparison.runs.filter((run) => run.status !== "succeeded");

  const pinBaseline = (runId: string | null) => {
    setBaseline(runId);
    const url = new URL(window.location.href);
    if (runId === null) url.searchParams.delete("baseline");
    else url.searchParams.set("baseline", runId);
    window.history.replaceState(null, "", url);
  };

  return (
    <Stack data-testid="compare-view" data-runs={comparison.runs.length}>
      <Group justify="space-between">
        <Title order={2}>Compare {comparison.runs.length} runs</Title>
        {/* No prefetch: rendering the runs page while this one loads took CPU from it (2 cores for all). */}
        <Anchor component={Link} prefetch={false} href={`/projects/${projectId}/runs`}>
          Change the selection
        </Anchor>
      </Group>
      {query.error !== null && <Alert color="red">{errorMessageOf(query.error)}</Alert>}
      {allPoints && everyPoint.error !== null && <Alert color="red">{errorMessageOf(everyPoint.error)}</Alert>}
      {missing.length > 0 && (
        <Alert color="yellow" title="Some runs have no results yet">
          {missing.map((run) => `${labels.get(run.runId)} (${run.status})`).join(", ")}: their curves appear when they
          finish.
        </Alert>
      )}
      <Group align="end">
        <SegmentedControl
          aria-label="Size axis"
          value={size}
          onChange={(value) => setSize(value as "bytes" | "parameters")}
          data={[
            { value: "bytes", label: "bytes" },
            { value: "parameters", label: "parameters" },
          ]}
        />
        <Switch
          label="All points"
          description="every measured row, not only the Pareto frontiers"
          checked={allPoints}
          onChange={(event) => setAllPoints(event.currentTarget.checked)}
        />
        {allPoints && everyPoint.isFetching && (
          <Group gap={6}>
            <Loader size="xs" />
            <Text size="sm" c="dimmed">
              fetching every point…
            </Text>
          </Group>
        )}
        <NativeSelect
          label="Pinned baseline"
          value={baseline ?? ""}
          onChange={(event) => pinBaseline(event.currentTarget.value === "" ? null : event.currentTarget.value)}
          data={[
            { value: "", label: "none" },
            ...comparison.runs.map((run) => ({ value: run.runId, label: labels.get(run.runId) ?? run.runId })),
          ]}
        />
      </Group>
      <Paper withBorder p="md">
        <OverlayChart comparison={drawn} labels={labels} baseline={baseline} projectId={projectId} />
      </Paper>
      <Paper withBorder p="md">
        <Title order={4} mb={4}>
          Best row per size budget
        </Title>
        <Text size="xs" c="dimmed" mb="xs">
          For each budget, the row with the best validation accuracy that fits (test accuracy shown; it is never used to
          choose).{baseline === null ? "" : " Differences are against the pinned baseline."}
        </Text>
        <BudgetTable comparison={comparison} labels={labels} baseline={baseline} projectId={projectId} />
      </Paper>
      <ConfigPanel comparison={comparison} labels={labels} baseline={baseline} />
    </Stack>
  );
}
