import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { asTransported, type RouterOutputs } from "@/lib/router-outputs";
import { orNotFound, signedInPage } from "@/server/page-session";
import { projectAccess } from "@/server/project-access";
import { ExperimentView } from "./experiment-view";

export const metadata: Metadata = { title: "Experiment" };

export default async function ExperimentPage({
  params,
}: {
  readonly params: Promise<{ projectId: string; experimentId: string }>;
}) {
  const { projectId, experimentId } = await params;
  const { api } = await signedInPage();
  const [access, experiment] = await Promise.all([
    projectAccess(api, projectId),
    orNotFound(api.experiment.get({ experimentId })),
  ]);
  if (experiment.projectId !== projectId) notFound();
  const runs = await api.run.list({ experimentId, limit: 100 });
  return (
    <ExperimentView
      projectId={projectId}
      canEdit={access.canEdit}
      experiment={asTransported<RouterOutputs["experiment"]["get"]>(experiment)}
      firstRuns={asTransported<RouterOutputs["run"]["list"]>(runs)}
    />
  );
}
