"use client";

import { Badge, Divider, Drawer, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { memo } from "react";
import { PromoteForm } from "@/components/candidates/promote-form";
import { Fact } from "@/components/fact";
import { formatAccuracy, formatBytes, formatCount, formatDrop, formatLatency, formatPercent } from "@/lib/format";
import type { ArtifactView, ResultRow } from "@/lib/router-outputs";
import { describeThreshold } from "@/lib/thresholds";
import { ArtifactTable } from "./artifact-table";

export interface RowDrawerProps {
  readonly row: ResultRow | null;
  readonly projectId: string;
  readonly canEdit: boolean;
  readonly artifacts: readonly ArtifactView[];
  readonly onClose: () => void;
}

/** One threshold's row opened: every number, its model files, and (for members) promotion. */
export const RowDrawer = memo(function RowDrawer({ row, projectId, canEdit, artifacts, onClose }: RowDrawerProps) {
  const files = row === null ? [] : artifacts.filter((artifact) => artifact.resultRowId === row.id);
  return (
    <Drawer
      opened={row !== null}
      onClose={onClose}
      position="right"
      size="lg"
      // Opens at once, no slide: the slide's first frame waited for the next animation frame, and the
      // charts' redraw for the picked row ran before it (the drawer showed ~300 ms after the click).
      transitionProps={{ duration: 0 }}
      title={row === null ? "" : describeThreshold(row.threshold)}
    >
      {row !== null && (
        <Stack data-testid="row-details" data-row-id={row.id}>
          <Text size="sm">
            {row.status === "ok" ? "" : `${row.status}: ${row.note ?? ""}`}
            {row.pareto && <Badge ml="xs">on the Pareto frontier</Badge>}
          </Text>
          <SimpleGrid cols={2} spacing="xs">
            <Fact
              label="Test accuracy"
              value={`${formatAccuracy(row.testAccuracy)} (${formatDrop(row.testAccuracyDrop)})`}
            />
            <Fact
              label="Validation accuracy"
              value={`${formatAccuracy(row.validationAccuracy)} (${formatDrop(row.validationAccuracyDrop)})`}
            />
            <Fact
              label="Parameters"
              value={`${formatCount(row.parameters)} (−${formatPercent(row.parameterReductionPercent)})`}
            />
            <Fact label="Size" value={formatBytes(row.bytes)} />
            <Fact
              label="Kept neurons"
              value={`${row.keptNeurons.join("-")} (−${formatPercent(row.neuronReductionPercent)})`}
            />
            <Fact label="Latency per sample" value={formatLatency(row.latencyMsPerSample)} />
            <Fact label="Row" value={row.rowKey} />
          </SimpleGrid>
          <Divider label="Model files" />
          {files.length === 0 ? (
            <Text size="sm" c="dimmed">
              No model stored for this row (the worker exports the Pareto rows; see the experiment's export setting).
            </Text>
          ) : (
            <ArtifactTable artifacts={files} />
          )}
          {canEdit && (
            <>
              <Divider label="Deployment candidate" />
              <Title order={5}>Promote this row</Title>
              <PromoteForm projectId={projectId} resultRowId={row.id} />
            </>
          )}
        </Stack>
      )}
    </Drawer>
  );
});
