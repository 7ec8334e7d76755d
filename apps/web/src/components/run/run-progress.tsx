"use client";

import type { ReportedProgress } from "@deadweight/protocol";
// The zod-free entry: the protocol's index would bring its schemas and zod into the page.
import { RUN_STAGES } from "@deadweight/protocol/run-stages";
import { Alert, Group, Paper, Progress, Stack, Stepper, Text } from "@mantine/core";
import { memo } from "react";
import { formatAccuracy, formatSeconds } from "@/lib/format";
import type { RunDetails } from "@/lib/router-outputs";
import { TrainingCurveChart } from "./training-curve-chart";

/** Where the pipeline is: stages done, the current epoch and batch, loss, accuracy, ETA, and the training curves. */
export const RunProgress = memo(function RunProgress({ run }: { readonly run: RunDetails }) {
  const progress: Partial<ReportedProgress> = run.progress ?? {};
  const live = run.status === "running";
  const done = new Set(run.completedStages);
  const active = RUN_STAGES.findIndex((stage) => !done.has(stage));
  const fraction =
    progress.stage === "train" && progress.epochs && progress.batches && progress.epoch !== undefined
      ? ((progress.epoch - 1 + (progress.batch ?? 0) / progress.batches) / progress.epochs) * 100
      : null;

  return (
    <Paper withBorder p="md" aria-label="Progress" data-testid="run-progress">
      <Stack gap="sm">
        <Stepper active={run.status === "succeeded" ? RUN_STAGES.length : Math.max(active, 0)} size="xs">
          {RUN_STAGES.map((stage) => (
            <Stepper.Step key={stage} label={stage} loading={live && run.stage === stage && !done.has(stage)} />
          ))}
        </Stepper>
        {run.status === "queued" && (
          <Alert color="gray" title="Waiting for a worker">
            The run is in the queue; a worker claims it as soon as one is free.
          </Alert>
        )}
        {live && (
          <Group gap="xl" data-testid="live-progress">
            <Text size="sm">
              stage <b>{run.stage ?? "–"}</b>
            </Text>
            {progress.epoch !== undefined && (
              <Text size="sm">
                epoch <b>{progress.epoch}</b>/{progress.epochs ?? "?"}
                {progress.batch !== undefined && ` · batch ${progress.batch}/${progress.batches ?? "?"}`}
              </Text>
            )}
            {progress.loss !== undefined && (
              <Text size="sm">
                loss <b>{progress.loss.toFixed(4)}</b>
              </Text>
            )}
            {progress.accuracy !== undefined && (
              <Text size="sm">
                accuracy <b>{formatAccuracy(progress.accuracy)}</b>
              </Text>
            )}
            {progress.etaSeconds !== undefined && (
              <Text size="sm">
                ETA <b>{formatSeconds(progress.etaSeconds)}</b>
              </Text>
            )}
            {progress.message !== undefined && (
              <Text size="sm" c="dimmed">
                {progress.message}
              </Text>
            )}
          </Group>
        )}
        {live && fraction !== null && <Progress value={fraction} aria-label="Training progress" animated />}
        {run.trainingCurve !== null && run.trainingCurve.points.length > 0 && (
          <TrainingCurveChart points={run.trainingCurve.points} />
        )}
      </Stack>
    </Paper>
  );
});
