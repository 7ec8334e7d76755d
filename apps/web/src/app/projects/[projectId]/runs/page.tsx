import type { Metadata } from "next";
import { selectionOfParameter } from "@/components/runs/run-selection-parameter";
import { type RouterOutputs } from "@/lib/router-outputs";
import { signedInPage } from "@/server/page-session";
import { projectAccess } from "@/server/project-access";
import { RunsView } from "./runs-view";

export const metadata: Metadata = { title: "Runs" };

/** Names of (up to 1,000 of) the project's experiments, to label runs with. */
async function experimentNamesOf(api: Awaited<ReturnType<typeof signedInPage>>["api"], projectId: string) {
  const names: Record<string, string> = {};
  let cursor: string | undefined;
  for (let page = 0; page < 10; page++) {
    const answer = await api.experiment.list.query({ projectId, limit: 100, ...(cursor === undefined ? {} : { cursor }) });
    for (const experiment of answer.items) names[experiment.id] = experiment.name;
    if (answer.nextCursor === null) break;
    cursor = answer.nextCursor;
  }
  return names;
}

export default async function RunsPage({
  params,
  searchParams,
}: {
  readonly params: Promise<{ projectId: string }>;
  readonly searchParams: Promise<{ runs?: string }>;
}) {
  const { projectId } = await params;
  const { runs } = await searchParams;
  const { api } = await signedInPage();
  await projectAccess(api, projectId);
  const [firstPage, experimentNames] = await Promise.all([
    api.run.list.query({ projectId, limit: 100 }),
    experimentNamesOf(api, projectId),
  ]);
  return (
    <RunsView
      projectId={projectId}
      experimentNames={experimentNames}
      firstPage={firstPage}
      initialSelection={selectionOfParameter(runs)}
    />
  );
}
