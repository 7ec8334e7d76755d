"use client";

import { Alert, Anchor, Button, Group, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { ArtifactLink } from "@/components/artifacts/artifact-link";
import { api } from "@/lib/api-client";
import { errorMessageOf, fieldErrorsOf } from "@/lib/api-errors";
import { formatAccuracy, formatBytes, formatDrop } from "@/lib/format";
import { PromoteForm } from "./promote-form";

/**
 * "The most accurate model that fits this device": a budget in KB (and optionally accuracy and
 * latency limits) over the project's exported, verified bundles; the answer comes with its files.
 */
export function DeviceBudgetFinder({ projectId, canEdit }: { readonly projectId: string; readonly canEdit: boolean }) {
  const [kilobytes, setKilobytes] = useState("256");
  const [maxDrop, setMaxDrop] = useState("1");
  const [maxLatency, setMaxLatency] = useState("");
  const [dataset, setDataset] = useState("");
  const fit = useMutation({
    mutationFn: () =>
      api.candidate.fitBudget.query({
        projectId,
        maxBytes: Math.round(Number(kilobytes) * 1024),
        ...(maxDrop.trim() === "" ? {} : { maxAccuracyDropPoints: Number(maxDrop) }),
        ...(maxLatency.trim() === "" ? {} : { maxLatencyMsPerSample: Number(maxLatency) / 1000 }),
        ...(dataset.trim() === "" ? {} : { dataset: dataset.trim() }),
      }),
  });
  const errors = fieldErrorsOf(fit.error);
  const answer = fit.data;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    fit.mutate();
  };

  return (
    <Paper withBorder p="md">
      <Title order={4} mb={4}>
        Fit a device budget
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        Among the project's exported bundles (each reloaded and verified in a fresh process), the most accurate whose
        files fit; chosen on validation accuracy, test accuracy reported.
      </Text>
      <form onSubmit={submit} aria-label="Fit a device budget">
        <Group align="start">
          <TextInput
            label="Budget (KB on disk)"
            value={kilobytes}
            onChange={(event) => setKilobytes(event.currentTarget.value)}
            error={errors.maxBytes}
          />
          <TextInput
            label="Max accuracy drop (points)"
            placeholder="no limit"
            value={maxDrop}
            onChange={(event) => setMaxDrop(event.currentTarget.value)}
            error={errors.maxAccuracyDropPoints}
          />
          <TextInput
            label="Max latency (µs/sample)"
            placeholder="no limit"
            value={maxLatency}
            onChange={(event) => setMaxLatency(event.currentTarget.value)}
            error={errors.maxLatencyMsPerSample}
          />
          <TextInput
            label="Dataset"
            placeholder="when the project has several"
            value={dataset}
            onChange={(event) => setDataset(event.currentTarget.value)}
            error={errors.dataset}
          />
          <Button type="submit" mt={24} loading={fit.isPending}>
            Fit
          </Button>
        </Group>
      </form>
      {fit.error !== null && Object.keys(errors).length === 0 && (
        <Alert color="red" mt="sm">
          {errorMessageOf(fit.error)}
        </Alert>
      )}
      {answer !== undefined && (
        <Stack mt="sm" data-testid="budget-fit" data-fits={String(answer.answer?.fits ?? "")}>
          <Alert
            color={answer.answer === null ? "gray" : answer.answer.fits ? "green" : "yellow"}
            title={answer.answer === null ? "No bundles yet" : answer.answer.fits ? "This fits" : "Nothing fits"}
          >
            {answer.explanation}
          </Alert>
          {answer.bundle !== null && (
            <>
              <Text size="sm">
                {answer.answer?.fits ? "Answer" : "Closest"}:{" "}
                <Anchor component={Link} href={`/projects/${projectId}/runs/${answer.bundle.runId}`}>
                  {answer.bundle.experimentName}
                </Anchor>
                , {answer.bundle.rowKey} ({answer.bundle.weights}) as <b>{answer.bundle.dtype}</b>:{" "}
                {formatBytes(answer.bundle.bytes)} on disk, test {formatAccuracy(answer.bundle.testAccuracy)} (
                {formatDrop(answer.bundle.testAccuracyDrop)}), verified {answer.bundle.verification.correct}/
                {answer.bundle.verification.samples} in a fresh process.
              </Text>
              <Group gap="sm">
                {answer.bundle.files.map((file) => (
                  <ArtifactLink key={file.id} artifact={file}>
                    {file.name.split("/").at(-1)} ({formatBytes(file.sizeBytes)})
                  </ArtifactLink>
                ))}
                {answer.bundle.modelCard !== null && (
                  <Anchor href={answer.bundle.modelCard.downloadPath} download size="sm">
                    model-card.json
                  </Anchor>
                )}
              </Group>
              {canEdit && <PromoteForm projectId={projectId} resultRowId={answer.bundle.resultRowId} />}
            </>
          )}
        </Stack>
      )}
    </Paper>
  );
}
