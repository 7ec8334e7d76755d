import { Alert, Anchor, Stack, Title } from "@mantine/core";
import type { Metadata } from "next";
import Link from "next/link";
import { CompareView } from "@/components/compare/compare-view";
import type { RunComparison } from "@/lib/router-outputs";
import { signedInPage } from "@/server/page-session";
import { projectAccess } from "@/server/project-access";

export const metadata: Metadata = { title: "Compare" };

export default async function ComparePage({
  params,
  searchParams,
}: {
  readonly params: Promise<{ projectId: string }>;
  readonly searchParams: Promise<{ runs?: string; baseline?: string }>;
}) {
  const { projectId } = await params;
  const { runs, baseline } = await searchParams;
  const { api } = await signedInPage();
  await projectAccess(api, projectId);
  const runIds = [...new Set((runs ?? "").split(",").filter((id) => id !== ""))];
  if (runIds.length === 0) {
    return (
      <Stack>
        <Title order={2}>Compare</Title>
        <Alert color="gray" title="No runs chosen">
          Pick the runs to compare on the{" "}
          <Anchor component={Link} href={`/projects/${projectId}/runs`}>
            Runs
          </Anchor>{" "}
          page (up to 50, across experiments).
        </Alert>
      </Stack>
    );
  }
  let comparison: RunComparison;
  try {
    comparison = await api.compare.runs.query({ runIds, size: "bytes" });
  } catch (error) {
    return (
      <Alert color="red" title="These runs cannot be compared">
        {(error as Error).message}{" "}
        <Anchor component={Link} href={`/projects/${projectId}/runs`}>
          Choose again
        </Anchor>
      </Alert>
    );
  }
  return (
    <CompareView
      projectId={projectId}
      initial={comparison}
      initialBaseline={baseline !== undefined && runIds.includes(baseline) ? baseline : null}
    />
  );
}
