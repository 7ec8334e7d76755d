"use client";

import { Accordion, Alert, Anchor, Badge, Code, Group, Stack, Table, Text, Title } from "@mantine/core";
import { memo } from "react";
import { ArtifactLink } from "@/components/artifacts/artifact-link";
import { formatAccuracy, formatBytes, formatDrop, formatSeconds } from "@/lib/format";
import type { ArtifactView, ResultRow, RunDetails } from "@/lib/router-outputs";

type Deployment = NonNullable<RunDetails["deployment"]>;
type Bundle = ResultRow["bundles"][number];

export interface DeploymentPanelProps {
  readonly deployment: Deployment | null;
  readonly rows: readonly ResultRow[];
  readonly artifacts: readonly ArtifactView[];
  readonly base: { readonly testAccuracy: number } | null;
  readonly live: boolean;
}

/**
 * What ships: the device budget and its answer (or the suggested row), the chosen candidate's bundles
 * per dtype with their real bytes, accuracy after reloading and fresh-process verification, recovery
 * against one-shot, and the model card.
 */
export const DeploymentPanel = memo(function DeploymentPanel({
  deployment,
  rows,
  artifacts,
  base,
  live,
}: DeploymentPanelProps) {
  if (deployment === null) {
    return (
      <Text c="dimmed" size="sm">
        {live
          ? "Deployment candidates are chosen after the sweep and export (the deploy stage)."
          : "This run has no deployment stage results."}
      </Text>
    );
  }
  const byName = new Map(artifacts.map((artifact) => [artifact.name, artifact]));
  const chosenRow = deployment.chosen === null ? null : rows.find((row) => row.rowKey === deployment.chosen?.rowKey);
  const chosenBundles = chosenRow?.bundles.filter((bundle) => bundle.weights === deployment.chosen?.weights) ?? [];
  const recovered = rows.filter((row) => row.recovery !== null);
  const card = deployment.modelCard;
  const cardArtifact =
    deployment.chosen === null
      ? undefined
      : byName.get(`bundles/${deployment.chosen.rowKey}/${deployment.chosen.weights}/model-card.json`);

  return (
    <Stack
      data-testid="deployment-panel"
      data-basis={deployment.basis}
      data-fits={String(deployment.answer?.fits ?? "")}
    >
      {deployment.budget !== null ? (
        <Text size="sm">
          Device budget: <b>{formatBytes(deployment.budget.maxBytes)}</b> on disk
          {deployment.budget.maxAccuracyDropPoints === undefined
            ? ""
            : `, at most ${deployment.budget.maxAccuracyDropPoints} validation points lost`}
          {deployment.budget.maxLatencyMsPerSample === undefined
            ? ""
            : `, at most ${(deployment.budget.maxLatencyMsPerSample * 1000).toFixed(1)} µs per sample`}
          .
        </Text>
      ) : (
        <Text size="sm">
          No device budget was set: the suggested row (smallest within 0.5 validation points) is exported.
        </Text>
      )}
      {deployment.answer !== null && (
        <Alert
          color={deployment.answer.fits ? "green" : "yellow"}
          title={deployment.answer.fits ? "A bundle fits" : "Nothing fits this budget"}
          data-testid="budget-answer"
        >
          {deployment.answer.explanation}
        </Alert>
      )}
      {deployment.note !== null && <Alert color="gray">{deployment.note}</Alert>}
      {deployment.chosen !== null && chosenRow !== undefined && chosenRow !== null && (
        <>
          <Group gap="xs">
            <Title order={5}>
              Exported: {chosenRow.rowKey} ({deployment.chosen.weights})
            </Title>
            {!deployment.answer?.fits && deployment.basis === "budget" && (
              <Badge color="yellow">closest, does not fit</Badge>
            )}
          </Group>
          <Table aria-label="Exported bundles" data-testid="bundle-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Weights as</Table.Th>
                <Table.Th>Bytes on disk</Table.Th>
                <Table.Th>Test accuracy after reloading</Table.Th>
                <Table.Th>Verified in a fresh process</Table.Th>
                <Table.Th>Files</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {chosenBundles.map((bundle) => (
                <Table.Tr key={bundle.dtype} data-dtype={bundle.dtype} data-bytes={bundle.bytes}>
                  <Table.Td>{bundle.dtype}</Table.Td>
                  <Table.Td>
                    {formatBytes(bundle.bytes)} ({bundle.bytes.toLocaleString("en-US")} B)
                  </Table.Td>
                  <Table.Td>
                    {formatAccuracy(bundle.testAccuracy)}
                    {base === null ? "" : ` (${formatDrop((base.testAccuracy - bundle.testAccuracy) * 100)})`}
                  </Table.Td>
                  <Table.Td>{verificationText(bundle)}</Table.Td>
                  <Table.Td>
                    <Group gap="xs">
                      {(bundle.exported?.files ?? []).map((file) => {
                        const artifact = byName.get(file.name);
                        return artifact === undefined ? (
                          <Text key={file.name} size="xs" c="dimmed">
                            {file.name.split("/").at(-1)} (not stored)
                          </Text>
                        ) : (
                          <ArtifactLink key={file.name} artifact={artifact}>
                            {file.name.split("/").at(-1)}
                          </ArtifactLink>
                        );
                      })}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
      {recovered.length > 0 && (
        <>
          <Title order={5}>Recovery fine-tuning</Title>
          <Table aria-label="Recovery" data-testid="recovery-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Row</Table.Th>
                <Table.Th>One-shot test</Table.Th>
                <Table.Th>Recovered test</Table.Th>
                <Table.Th>Epochs</Table.Th>
                <Table.Th>Cost</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {recovered.map((row) => (
                <Table.Tr key={row.id}>
                  <Table.Td>{row.rowKey}</Table.Td>
                  <Table.Td>
                    {formatAccuracy(row.testAccuracy)} ({formatDrop(row.testAccuracyDrop)})
                  </Table.Td>
                  <Table.Td>
                    {formatAccuracy(row.recovery?.testAccuracy)} ({formatDrop(row.recovery?.testAccuracyDrop)})
                  </Table.Td>
                  <Table.Td>{row.recovery?.epochs}</Table.Td>
                  <Table.Td>
                    {formatSeconds(row.recovery?.seconds)}
                    {row.recovery?.costRelativeToBaseTraining === null || row.recovery === null
                      ? ""
                      : ` (${row.recovery.costRelativeToBaseTraining.toFixed(2)}× base training)`}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
      {card !== null && (
        <Accordion variant="contained" data-testid="model-card">
          <Accordion.Item value="card">
            <Accordion.Control>
              Model card {cardArtifact === undefined ? "" : "(JSON, with the sha256 of every file)"}
            </Accordion.Control>
            <Accordion.Panel>
              {cardArtifact !== undefined && (
                <Anchor href={cardArtifact.downloadPath} download size="sm" data-sha256={cardArtifact.sha256}>
                  Download model-card.json
                </Anchor>
              )}
              <Code block mt="xs">
                {JSON.stringify(card, null, 2)}
              </Code>
            </Accordion.Panel>
          </Accordion.Item>
        </Accordion>
      )}
    </Stack>
  );
});

function verificationText(bundle: Bundle): string {
  const verification = bundle.exported?.verification;
  if (verification === undefined) return "not exported";
  const agrees = verification.correct === bundle.testCorrect;
  return `${agrees ? "✓" : "✗"} ${verification.correct}/${verification.samples} correct (stored ${bundle.testCorrect}/${bundle.testSamples}), ${verification.backend}, tfjs ${verification.tfjsVersion}`;
}
