import { MAX_COMPARED_RUNS } from "@deadweight/api/compare-limits";
import { Alert, Stack, Title } from "@mantine/core";
import type { Metadata } from "next";
import Link from "next/link";
import { CompareView } from "@/components/compare/compare-view";
import type { RunComparison } from "@/lib/router-outputs";
import { signedInPage } from "@/server/page-session";
import { projectAccess } from "@/server/project-access";

export const metadata: Metadata = { title: "Compare" };

// Links here are next/link itself, not Mantine's <Anchor component={Link}>: a server component
// cannot hand a component (a function) to a client one, and the page failed with a server error.
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
  // The selection lives in the URL as plain comma-separated ids: 200 of them are ~5 KB, well inside
  // what browsers and the server's 16 KB request head take, and a link to a comparison stays readable.
  const runIds = [...new Set((runs ?? "").split(",").filter((id) => id !== ""))];
  if (runIds.length === 0) {
    return (
      <Stack>
        <Title order={2}>Compare</Title>
        <Alert color="gray" title="No runs chosen">
          Pick the runs to compare on the <Link href={`/projects/${projectId}/runs`}>Runs</Link> page (up to{" "}
          {MAX_COMPARED_RUNS}, across experiments).
        </Alert>
      </Stack>
    );
  }
  let comparison: RunComparison;
  try {
    comparison = await api.compare.runs.query({ runIds, size: "bytes", points: "frontier" });
  } catch (error) {
    return (
      <Alert color="red" title="These runs cannot be compared">
        {(error as Error).message} <Link href={`/projects/${projectId}/runs`}>Choose again</Link>
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
