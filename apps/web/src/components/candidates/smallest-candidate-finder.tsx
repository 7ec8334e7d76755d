"use client";

import { Alert, Button, Group, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { api } from "@/lib/api-client";
import { errorMessageOf, fieldErrorsOf } from "@/lib/api-errors";
import { formatAccuracy, formatBytes, formatCount, formatDrop } from "@/lib/format";
import { describeThreshold } from "@/lib/thresholds";
import { PromoteForm } from "./promote-form";

/** "The smallest model within X points and B bytes": asks the project's runs, then offers to promote the answer. */
export function SmallestCandidateFinder({
  projectId,
  canEdit,
}: {
  readonly projectId: string;
  readonly canEdit: boolean;
}) {
  const [maxDrop, setMaxDrop] = useState("1");
  const [maxKilobytes, setMaxKilobytes] = useState("");
  const [maxParameters, setMaxParameters] = useState("");
  const [maxWorstSeedDrop, setMaxWorstSeedDrop] = useState("");
  const find = useMutation({
    mutationFn: () =>
      api.candidate.findSmallest.query({
        projectId,
        maxTestAccuracyDrop: Number(maxDrop),
        ...(maxKilobytes.trim() === "" ? {} : { maxBytes: Math.floor(Number(maxKilobytes) * 1024) }),
        ...(maxParameters.trim() === "" ? {} : { maxParameters: Number(maxParameters) }),
        ...(maxWorstSeedDrop.trim() === "" ? {} : { maxWorstSeedDropPoints: Number(maxWorstSeedDrop) }),
      }),
  });
  const errors = fieldErrorsOf(find.error);
  const answer = find.data;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    find.mutate();
  };

  return (
    <Paper withBorder p="md">
      <Title order={4} mb="xs">
        Find the smallest model that fits
      </Title>
      <form onSubmit={submit} aria-label="Find the smallest candidate">
        <Group align="start">
          <TextInput
            label="Max accuracy drop (points)"
            value={maxDrop}
            onChange={(event) => setMaxDrop(event.currentTarget.value)}
            error={errors.maxTestAccuracyDrop}
          />
          <TextInput
            label="Max size (KB)"
            placeholder="no limit"
            value={maxKilobytes}
            onChange={(event) => setMaxKilobytes(event.currentTarget.value)}
            error={errors.maxBytes}
          />
          <TextInput
            label="Max parameters"
            placeholder="no limit"
            value={maxParameters}
            onChange={(event) => setMaxParameters(event.currentTarget.value)}
            error={errors.maxParameters}
          />
          <TextInput
            label="Worst seed's max validation drop (points)"
            placeholder="no limit"
            value={maxWorstSeedDrop}
            onChange={(event) => setMaxWorstSeedDrop(event.currentTarget.value)}
            error={errors.maxWorstSeedDropPoints}
          />
          <Button type="submit" mt={24} loading={find.isPending}>
            Find
          </Button>
        </Group>
      </form>
      {find.error !== null && Object.keys(errors).length === 0 && (
        <Alert color="red" mt="sm">
          {errorMessageOf(find.error)}
        </Alert>
      )}
      {answer !== undefined && (
        <Stack mt="sm" data-testid="smallest-answer">
          {answer.candidate === null ? (
            <Alert color="yellow" title={`Nothing fits (${answer.consideredRows} rows considered)`}>
              {answer.explanation}
            </Alert>
          ) : (
            <>
              <Alert color="green" title="The smallest that fits">
                <Text size="sm">
                  <Link href={`/projects/${projectId}/runs/${answer.candidate.runId}`}>
                    {answer.candidate.experimentName}
                  </Link>
                  , {describeThreshold(answer.candidate.threshold)}: test{" "}
                  {formatAccuracy(answer.candidate.testAccuracy)} ({formatDrop(answer.candidate.testAccuracyDrop)}),{" "}
                  {formatBytes(answer.candidate.bytes)}, {formatCount(answer.candidate.parameters)} parameters.{" "}
                  {answer.consideredRows} rows considered.
                </Text>
              </Alert>
              {canEdit && <PromoteForm projectId={projectId} resultRowId={answer.candidate.resultRowId} />}
            </>
          )}
        </Stack>
      )}
    </Paper>
  );
}
