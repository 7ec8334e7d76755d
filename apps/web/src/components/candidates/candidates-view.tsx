"use client";

import { Alert, Anchor, Badge, Button, Group, Modal, Paper, Stack, Table, Text, Textarea, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { api } from "@/lib/api-client";
import { errorMessageOf, fieldErrorsOf } from "@/lib/api-errors";
import { formatAccuracy, formatBytes, formatCount, formatDateTime, formatDrop } from "@/lib/format";
import type { RouterOutputs } from "@/lib/router-outputs";
import { describeThreshold } from "@/lib/thresholds";
import { CandidateFiles } from "./candidate-files";
import { DeviceBudgetFinder } from "./device-budget-finder";
import { SmallestCandidateFinder } from "./smallest-candidate-finder";

export interface CandidatesViewProps {
  readonly projectId: string;
  readonly canEdit: boolean;
  readonly initialCandidates: RouterOutputs["candidate"]["list"];
  readonly initialHistory: RouterOutputs["candidate"]["history"];
}

/** What the project ships (alias → row), how to find the next one, and every decision ever made. */
export function CandidatesView({ projectId, canEdit, initialCandidates, initialHistory }: CandidatesViewProps) {
  const candidates = useQuery({
    queryKey: ["candidate.list", projectId],
    queryFn: () => api.candidate.list.query({ projectId }),
    initialData: initialCandidates,
  }).data;
  const history = useQuery({
    queryKey: ["candidate.history", projectId],
    queryFn: () => api.candidate.history.query({ projectId, limit: 50 }),
    initialData: initialHistory,
  }).data;
  const [demoting, setDemoting] = useState<string | null>(null);

  return (
    <Stack>
      <Title order={2}>Deployment candidates</Title>
      <Paper withBorder p="md">
        <Title order={4} mb="xs">
          Current
        </Title>
        {candidates.length === 0 ? (
          <Text c="dimmed">
            No candidate yet. Open a run, click a row of its sweep and promote it, or use the finder below.
          </Text>
        ) : (
          <Table aria-label="Current candidates" data-testid="candidate-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Alias</Table.Th>
                <Table.Th>Row</Table.Th>
                <Table.Th>Test accuracy</Table.Th>
                <Table.Th>Size</Table.Th>
                <Table.Th>Promoted</Table.Th>
                <Table.Th>Why</Table.Th>
                <Table.Th>Model</Table.Th>
                {canEdit && <Table.Th />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {candidates.map((candidate) => (
                <Table.Tr key={candidate.id} data-alias={candidate.alias}>
                  <Table.Td>
                    <Badge size="lg">{candidate.alias}</Badge>
                  </Table.Td>
                  <Table.Td>
                    <Anchor component={Link} href={`/projects/${projectId}/runs/${candidate.tradeOff.runId}`}>
                      {candidate.tradeOff.experimentName}
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      {describeThreshold(candidate.tradeOff.threshold)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {formatAccuracy(candidate.tradeOff.testAccuracy)} ({formatDrop(candidate.tradeOff.testAccuracyDrop)}
                    )
                  </Table.Td>
                  <Table.Td>
                    {formatBytes(candidate.tradeOff.bytes)}
                    <Text size="xs" c="dimmed">
                      {formatCount(candidate.tradeOff.parameters)} params
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {formatDateTime(candidate.promotedAt)}
                    <Text size="xs" c="dimmed">
                      by {candidate.promotedBy?.name ?? "a removed user"}
                    </Text>
                  </Table.Td>
                  <Table.Td maw={280}>{candidate.note}</Table.Td>
                  <Table.Td>
                    <CandidateFiles runId={candidate.tradeOff.runId} resultRowId={candidate.tradeOff.resultRowId} />
                  </Table.Td>
                  {canEdit && (
                    <Table.Td>
                      <Button size="xs" variant="subtle" color="red" onClick={() => setDemoting(candidate.alias)}>
                        Demote
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>

      <DeviceBudgetFinder projectId={projectId} canEdit={canEdit} />

      <SmallestCandidateFinder projectId={projectId} canEdit={canEdit} />

      <Paper withBorder p="md">
        <Title order={4} mb="xs">
          History
        </Title>
        {history.items.length === 0 ? (
          <Text c="dimmed">Nothing promoted or demoted yet.</Text>
        ) : (
          <Table striped aria-label="Candidate history" data-testid="candidate-history">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Who</Table.Th>
                <Table.Th>What</Table.Th>
                <Table.Th>Row at that moment</Table.Th>
                <Table.Th>Why</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {history.items.map((event) => (
                <Table.Tr key={event.id} data-action={event.action} data-alias={event.alias}>
                  <Table.Td>{formatDateTime(event.createdAt)}</Table.Td>
                  <Table.Td>{event.actor.name}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={event.action === "demoted" ? "red" : "indigo"}>
                      {event.action}
                    </Badge>{" "}
                    {event.alias}
                  </Table.Td>
                  <Table.Td>
                    {event.snapshot.experimentName}: {describeThreshold(event.snapshot.threshold)}
                    <Text size="xs" c="dimmed">
                      test {formatAccuracy(event.snapshot.testAccuracy)} ({formatDrop(event.snapshot.testAccuracyDrop)})
                      · {formatBytes(event.snapshot.bytes)} · {formatCount(event.snapshot.parameters)} params
                    </Text>
                  </Table.Td>
                  <Table.Td maw={320}>{event.note}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>

      <DemoteModal projectId={projectId} alias={demoting} onClose={() => setDemoting(null)} />
    </Stack>
  );
}

function DemoteModal({
  projectId,
  alias,
  onClose,
}: {
  readonly projectId: string;
  readonly alias: string | null;
  readonly onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const [note, setNote] = useState("");
  const demote = useMutation({
    mutationFn: () => api.candidate.demote.mutate({ projectId, alias: alias ?? "", note }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ["candidate.list"] });
      await queryClient.invalidateQueries({ queryKey: ["candidate.history"] });
      setNote("");
      onClose();
    },
  });
  return (
    <Modal opened={alias !== null} onClose={onClose} title={`Demote “${alias ?? ""}”`}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          demote.mutate();
        }}
      >
        <Stack>
          <Textarea
            label="Why"
            description="Kept in the history"
            value={note}
            onChange={(event) => setNote(event.currentTarget.value)}
            error={fieldErrorsOf(demote.error).note}
            required
          />
          {demote.error !== null && fieldErrorsOf(demote.error).note === undefined && (
            <Alert color="red">{errorMessageOf(demote.error)}</Alert>
          )}
          <Group justify="end">
            <Button variant="default" onClick={onClose}>
              Keep it
            </Button>
            <Button type="submit" color="red" loading={demote.isPending}>
              Demote
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
