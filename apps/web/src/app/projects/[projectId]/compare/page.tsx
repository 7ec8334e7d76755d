import { MAX_COMPARED_RUNS } from "@deadweight/api/compare-limits";
import { Alert, Stack, Title } from "@mantine/core";
import type { Metadata } from "next";
import Link from "next/link";
import { CompareView } from "@/components/compare/compare-view";
import { signedInPageLoading } from "@/server/page-session";
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
  // The selection lives in the URL as plain comma-separated ids: 200 of them are ~5 KB, well inside
  // what browsers and the server's 16 KB request head take, and a link to a comparison stays readable.
  const runIds = [...new Set((runs ?? "").split(",").filter((id) => id !== ""))];
  // The comparison is asked for beside the sign-in and project checks, not after them: compare.runs
  // checks every run's access itself, and the page waited for three round trips to the API in a row.
  const { data } = await signedInPageLoading((api) =>
    Promise.all([
      projectAccess(api, projectId),
      runIds.length === 0
        ? null
        : api.compare.runs.query({ runIds, size: "bytes", points: "frontier" }).then(
            (comparison) => ({ comparison }),
            (error: unknown) => ({ error: error as Error }),
          ),
    ]),
  );
  const compared = data[1];
  if (compared === null) {
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
  if ("error" in compared) {
    return (
      <Alert color="red" title="These runs cannot be compared">
        {compared.error.message} <Link href={`/projects/${projectId}/runs`}>Choose again</Link>
      </Alert>
    );
  }
  return (
    <CompareView
      projectId={projectId}
      initial={compared.comparison}
      initialBaseline={baseline !== undefined && runIds.includes(baseline) ? baseline : null}
    />
  );
}
