import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { selectionOfParameter } from "@/components/runs/run-selection-parameter";
import { orNotFound, signedInPage } from "@/server/page-session";
import { projectAccess } from "@/server/project-access";
import { ExperimentView } from "./experiment-view";

export const metadata: Metadata = { title: "Experiment" };

export default async function ExperimentPage({
  params,
  searchParams,
}: {
  readonly params: Promise<{ projectId: string; experimentId: string }>;
  readonly searchParams: Promise<{ runs?: string }>;
}) {
  const { projectId, experimentId } = await params;
  const { runs: chosen } = await searchParams;
  const { api } = await signedInPage();
  const [access, experiment] = await Promise.all([
    projectAccess(api, projectId),
    orNotFound(api.experiment.get.query({ experimentId })),
  ]);
  if (experiment.projectId !== projectId) notFound();
  const [runs, seedSpread] = await Promise.all([
    api.run.list.query({ experimentId, limit: 100 }),
    api.experiment.seedSpread.query({ experimentId }),
  ]);
  return (
    <ExperimentView
      projectId={projectId}
      canEdit={access.canEdit}
      experiment={experiment}
      firstRuns={runs}
      firstSeedSpread={seedSpread}
      initialSelection={selectionOfParameter(chosen)}
    />
  );
}
