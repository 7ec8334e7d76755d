"use client";

import { isDidNotLearnNote, suggestedRow } from "@deadweight/core/tensor-free";
import {
  Alert,
  Anchor,
  Button,
  Code,
  Group,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { memo, useCallback, useMemo, useState } from "react";
import { Fact } from "@/components/fact";
import offscreen from "@/components/offscreen-sections.module.css";
import { RunStatusBadge } from "@/components/runs/run-status-badge";
import { api } from "@/lib/api-client";
import { errorMessageOf } from "@/lib/api-errors";
import { formatAccuracy, formatBytes, formatCount, formatDateTime, formatSeconds } from "@/lib/format";
import type { ArtifactView, LayerStatsResult, RouterOutputs, RunDetails } from "@/lib/router-outputs";
import { ArtifactTable } from "./artifact-table";
import { DeploymentPanel } from "./deployment-panel";
import { NeuronScatter } from "./neuron-scatter";
import { RowDrawer } from "./row-drawer";
import { RunLiveStream } from "./run-live-stream";
import { RunProgress } from "./run-progress";
import { SweepTable } from "./sweep-table";
import { type SizeAxis, TradeOffChart } from "./trade-off-chart";

export interface RunViewProps {
  readonly projectId: string;
  readonly canEdit: boolean;
  readonly experiment: { readonly id: string; readonly name: string; readonly config: Record<string, unknown> };
  readonly initialRun: RunDetails;
  readonly initialResults: RouterOutputs["result"]["rows"];
  readonly initialStats: LayerStatsResult;
  readonly initialArtifacts: ArtifactView[];
}

const LIVE_STATUSES = new Set(["queued", "running"]);

/** The base model's numbers: the results' copy, else the run's. */
type BaseMetrics = RouterOutputs["result"]["rows"]["base"] | RunDetails["baseMetrics"];

/** One run: live progress while it works, then its neurons, its sweep and its trade-off. */
export function RunView(props: RunViewProps) {
  const { projectId, canEdit, experiment } = props;
  const runId = props.initialRun.id;
  const queryClient = useQueryClient();
  const run = useQuery({
    queryKey: ["run.get", runId],
    queryFn: () => api.run.get.query({ runId }),
    initialData: props.initialRun,
  }).data;
  const live = LIVE_STATUSES.has(run.status);
  const results = useQuery({
    queryKey: ["result.rows", runId],
    queryFn: () => api.result.rows.query({ runId }),
    initialData: props.initialResults,
  }).data;
  const stats = useQuery({
    queryKey: ["result.layerStats", runId],
    queryFn: () => api.result.layerStats.query({ runId, histograms: false }),
    initialData: props.initialStats,
  }).data;
  const artifacts = useQuery({
    queryKey: ["artifact.list", runId],
    queryFn: async () => (await api.artifact.list.query({ runId, limit: 100 })).items,
    initialData: props.initialArtifacts,
  }).data;

  const cancel = useMutation({
    mutationFn: () => api.run.cancel.mutate({ runId }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["run.get", runId] }),
  });

  const [size, setSize] = useState<SizeAxis>("bytes");
  // The deploy stage's note is where a run says its base model did not learn (the stored results have no field for it).
  const didNotLearn = isDidNotLearnNote(run.deployment?.note);
  const suggested = useMemo(
    () => suggestedRow(results.rows, didNotLearn ? { verdict: "did-not-learn" } : null),
    [results.rows, didNotLearn],
  );
  const [selectedRowId, setSelectedRowId] = useState<string | null>(null);
  const [openRowId, setOpenRowId] = useState<string | null>(null);
  const selected = results.rows.find((row) => row.id === (selectedRowId ?? suggested?.id)) ?? null;
  const openRow = results.rows.find((row) => row.id === openRowId) ?? null;
  // Stable, so the memoised charts and the sweep table skip the re-render a row's drawer causes.
  const open = useCallback((rowId: string) => {
    setSelectedRowId(rowId);
    setOpenRowId(rowId);
  }, []);
  const closeRow = useCallback(() => setOpenRowId(null), []);
  const base = results.base ?? run.baseMetrics;
  const budgetBytes = run.deployment?.budget?.maxBytes ?? budgetOfConfig(experiment.config);

  return (
    <Stack>
      <Group justify="space-between" align="start">
        <div>
          <Text size="sm" c="dimmed">
            {/* No prefetch (nor the one below): rendering those pages while this one loads took the server's
                CPU from this page on a 2-core machine; they render when followed. */}
            <Anchor component={Link} prefetch={false} href={`/projects/${projectId}/experiments/${experiment.id}`}>
              {experiment.name}
            </Anchor>{" "}
            · run <Code>{run.id}</Code>
          </Text>
          <Group gap="xs" mt={4}>
            <Title order={2}>Run{run.seed === null ? "" : ` (seed ${run.seed})`}</Title>
            <RunStatusBadge status={run.status} />
          </Group>
        </div>
        <Group>
          <Button
            variant="default"
            component={Link}
            prefetch={false}
            href={`/projects/${projectId}/compare?runs=${run.id}`}
            disabled={run.status !== "succeeded"}
          >
            Compare with others
          </Button>
          {canEdit && live && (
            <Button color="red" variant="light" onClick={() => cancel.mutate()} loading={cancel.isPending}>
              Cancel run
            </Button>
          )}
        </Group>
      </Group>
      {/* Pushed, not polled: run.watch puts each new state of the run into run.get's cache below and
          refetches the results, statistics and artifacts only when a change concerns them. */}
      <RunLiveStream runId={runId} />
      {cancel.error !== null && <Alert color="red">{errorMessageOf(cancel.error)}</Alert>}
      {run.errorMessage !== null && (
        <Alert color="red" title={run.status === "failed" ? "The run failed" : "Last error"} role="alert">
          {run.errorMessage}
        </Alert>
      )}
      {didNotLearn && (
        <Alert color="red" title="The base model did not learn" role="alert" data-testid="did-not-learn">
          {run.deployment?.note}
        </Alert>
      )}
      <RunFacts run={run} base={base} />
      <RunProgress run={run} />

      <Paper withBorder p="md">
        <Group justify="space-between" mb="xs">
          <Title order={4}>Accuracy against size</Title>
          <SegmentedControl
            aria-label="Size axis"
            value={size}
            onChange={(value) => setSize(value as SizeAxis)}
            data={[
              { value: "bytes", label: "bytes" },
              { value: "parameters", label: "parameters" },
            ]}
          />
        </Group>
        {results.rows.length === 0 ? (
          <Text c="dimmed">{live ? "The sweep has not reported yet." : "This run has no results."}</Text>
        ) : (
          <TradeOffChart
            rows={results.rows}
            base={base}
            size={size}
            selectedRowId={selected?.id ?? null}
            onSelect={open}
            {...(budgetBytes === undefined || size !== "bytes" ? {} : { budget: budgetBytes })}
          />
        )}
      </Paper>

      <Paper withBorder p="md" className={offscreen.section}>
        <Title order={4} mb="xs">
          Deployment
        </Title>
        <DeploymentPanel
          deployment={run.deployment}
          rows={results.rows}
          artifacts={artifacts}
          base={base}
          live={live}
        />
      </Paper>

      <Paper withBorder p="md">
        <Title order={4} mb="xs">
          Neurons: mean against standard deviation
        </Title>
        <NeuronScatter layers={stats.layers} sampleCount={stats.sampleCount} threshold={selected?.threshold ?? null} />
      </Paper>

      <Paper withBorder p="md" className={offscreen.section}>
        <Title order={4} mb="xs">
          Sweep ({results.rows.length} thresholds)
        </Title>
        {results.rows.length > 0 && (
          <SweepTable rows={results.rows} selectedRowId={selected?.id ?? null} onSelect={open} />
        )}
      </Paper>

      <Paper withBorder p="md" className={offscreen.section}>
        <Title order={4} mb="xs">
          Artifacts
        </Title>
        <ArtifactTable artifacts={artifacts} />
      </Paper>

      <RowDrawer row={openRow} projectId={projectId} canEdit={canEdit} artifacts={artifacts} onClose={closeRow} />
    </Stack>
  );
}

/**
 * The run's facts (attempt, worker, backend, base model, timings...). Memoised: opening a sweep row
 * re-renders the run view, and these 18 texts do not change with it.
 */
const RunFacts = memo(function RunFacts({ run, base }: { readonly run: RunDetails; readonly base: BaseMetrics }) {
  return (
    <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
      <Fact label="Attempt" value={`${run.attempt} of ${run.maxAttempts}`} />
      <Fact label="Worker" value={run.worker ?? "–"} />
      <Fact label="Backend" value={describeBackend(run.backend)} />
      <Fact label="Queued" value={formatDateTime(run.queuedAt)} />
      <Fact label="Base model" value={base === null ? "–" : `${base.hiddenSizes.join("-")} hidden`} />
      <Fact
        label="Base accuracy (test)"
        value={
          base === null
            ? "–"
            : `${formatAccuracy(base.testAccuracy)} · ${formatCount(base.parameters)} params · ${formatBytes(base.bytes)}`
        }
      />
      <Fact
        label="Majority class (validation / test)"
        value={describeMajorityClass(run.deployment?.modelCard ?? null)}
      />
      <Fact
        label="Timings"
        value={
          run.timings === null
            ? "–"
            : Object.entries(run.timings)
                .map(([stage, seconds]) => `${stage} ${formatSeconds(seconds)}`)
                .join(", ")
        }
      />
      <Fact label="Split" value={run.split === null ? "–" : describeSplit(run.split)} />
    </SimpleGrid>
  );
});

/** The device budget the experiment asked for, in bytes (drawn on the chart even before the deploy stage). */
function budgetOfConfig(config: Record<string, unknown>): number | undefined {
  const deployment = config.deployment as { budget?: { maxBytes?: number } } | undefined;
  return deployment?.budget?.maxBytes;
}

/**
 * What always answering the training part's most frequent class scores, as the model card records it
 * beside the base accuracy ("–" before the deploy stage, or when no candidate was carded: a run whose
 * base model did not learn says it in its note instead).
 */
function describeMajorityClass(card: Record<string, unknown> | null): string {
  const accuracy = card?.accuracy as
    | { majorityClass?: { className: string | null; classIndex: number; validation: number; test: number } | null }
    | undefined;
  const majority = accuracy?.majorityClass;
  if (majority === undefined || majority === null) return "–";
  const name = majority.className ?? `class ${majority.classIndex}`;
  return `${formatAccuracy(majority.validation)} / ${formatAccuracy(majority.test)} (always "${name}")`;
}

function describeBackend(backend: RunDetails["backend"]): string {
  if (backend === null) return "–";
  const threads = backend.threads === undefined || backend.threads === 1 ? "" : `, ${backend.threads} threads`;
  return `${backend.name} (${backend.description}${threads})${backend.warning === undefined ? "" : ` ⚠ ${backend.warning}`}`;
}

function describeSplit(split: NonNullable<RunDetails["split"]>): string {
  const part = (name: string, range: { from: number; to: number }) => `${range.to - range.from} ${name}`;
  return [part("train", split.train), part("validation", split.validation), part("test", split.test)].join(" / ");
}
