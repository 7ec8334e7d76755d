"use client";

import { Alert, Anchor, Group, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useState } from "react";
import { api } from "@/lib/api-client";
import { errorMessageOf } from "@/lib/api-errors";
import type { TradeOffTimeline } from "@/lib/router-outputs";
import { timelineEntries } from "./timeline-entries";
import { TradeOffHistoryChart } from "./trade-off-history-chart";
import { TradeOffHistoryTable } from "./trade-off-history-table";

/**
 * The project's trade-off history: what each alias held over time (size and accuracy as step lines)
 * against what every finished run offered, with the same events as a table beneath.
 */
export function TradeOffHistoryView({
  projectId,
  initial,
}: {
  readonly projectId: string;
  readonly initial: TradeOffTimeline;
}) {
  const [dropText, setDropText] = useState(String(initial.maxValidationDropPoints));
  const drop = Number(dropText);
  const dropIsValid = dropText.trim() !== "" && Number.isFinite(drop) && drop >= -100 && drop <= 100;
  const query = useQuery({
    queryKey: ["candidate.timeline", projectId, dropIsValid ? drop : initial.maxValidationDropPoints],
    queryFn: () =>
      api.candidate.timeline.query({
        projectId,
        maxValidationDropPoints: dropIsValid ? drop : initial.maxValidationDropPoints,
      }),
    initialData: dropIsValid && drop !== initial.maxValidationDropPoints ? undefined : initial,
    placeholderData: keepPreviousData,
  });
  const timeline = query.data ?? initial;
  const entries = useMemo(() => timelineEntries(timeline), [timeline]);
  // Lines of aliases still assigned run on to the moment the page was drawn.
  const [until] = useState(() => Date.now());
  const nothingYet = timeline.aliases.length === 0 && timeline.landedRuns.length === 0;

  return (
    <Stack>
      <Title order={2}>Trade-off history</Title>
      <Text c="dimmed" maw={900}>
        What each alias held over time, against what the project's runs offered when they finished. A run offers its
        smallest row (in bytes) whose validation accuracy is within the limit below of its own base model: the row a
        reviewer could have promoted then. The numbers of an alias are those stored when it changed, so they stay true
        after a run is deleted.
      </Text>
      <Group align="end">
        <TextInput
          label="Runs offer rows within (validation points)"
          description="Default 0.5: the row each run's own page suggests"
          value={dropText}
          onChange={(event) => setDropText(event.currentTarget.value)}
          error={dropIsValid ? undefined : "a number of percentage points between -100 and 100"}
          w={320}
        />
      </Group>
      {query.error !== null && <Alert color="red">{errorMessageOf(query.error)}</Alert>}
      {(timeline.eventsTruncated || timeline.runsTruncated) && (
        <Alert color="yellow" title="Showing the most recent history">
          {timeline.eventsTruncated && `Only the latest ${timeline.limits.events} alias changes are shown. `}
          {timeline.runsTruncated && `Only the latest ${timeline.limits.runs} finished runs are shown.`}
        </Alert>
      )}
      {nothingYet ? (
        <Alert color="gray" title="No history yet" data-testid="trade-off-history-empty">
          Finished runs appear here as points when they land, and aliases as lines once a row is promoted. Queue a run
          from the{" "}
          <Anchor component={Link} href={`/projects/${projectId}`}>
            Experiments
          </Anchor>{" "}
          page, then promote one of its rows on the{" "}
          <Anchor component={Link} href={`/projects/${projectId}/candidates`}>
            Candidates
          </Anchor>{" "}
          page.
        </Alert>
      ) : (
        <>
          {timeline.aliases.length === 0 && (
            <Alert color="gray" title="No alias promoted yet">
              The points are what finished runs offered; nothing has been promoted. Promote a row on the{" "}
              <Anchor component={Link} href={`/projects/${projectId}/candidates`}>
                Candidates
              </Anchor>{" "}
              page to start a line.
            </Alert>
          )}
          {timeline.landedRuns.length === 0 && (
            <Alert color="gray" title="No finished run">
              No run of this project has succeeded (or its runs were deleted): only the aliases' stored numbers are
              drawn.
            </Alert>
          )}
          <Paper withBorder p="md">
            <TradeOffHistoryChart timeline={timeline} until={until} />
          </Paper>
          <Paper withBorder p="md">
            <Title order={4} mb="xs">
              Events, oldest first
            </Title>
            <TradeOffHistoryTable
              projectId={projectId}
              entries={entries}
              maxValidationDropPoints={timeline.maxValidationDropPoints}
            />
          </Paper>
        </>
      )}
    </Stack>
  );
}
