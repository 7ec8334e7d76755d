import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { RunView } from "@/components/run/run-view";
import {
  type ArtifactView,
  type LayerStatsResult,
  type RouterOutputs,
  type RunDetails,
} from "@/lib/router-outputs";
import { orNotFound, signedInPageLoading } from "@/server/page-session";
import { projectAccess } from "@/server/project-access";

export const metadata: Metadata = { title: "Run" };

export default async function RunPage({ params }: { readonly params: Promise<{ projectId: string; runId: string }> }) {
  const { projectId, runId } = await params;
  // Everything but the experiment in the sign-in check's request (each read checks access itself);
  // the experiment's id comes with the run. Neuron statistics without histograms: the page draws
  // and prunes from the neurons alone, and the histograms were two thirds of its data.
  const {
    api,
    data: [access, run, results, stats, artifacts],
  } = await signedInPageLoading((api) =>
    Promise.all([
      projectAccess(api, projectId),
      orNotFound(api.run.get.query({ runId })),
      orNotFound(api.result.rows.query({ runId })),
      orNotFound(api.result.layerStats.query({ runId, histograms: false })),
      orNotFound(api.artifact.list.query({ runId, limit: 100 })),
    ]),
  );
  if (run.projectId !== projectId) notFound();
  const experiment = await api.experiment.get.query({ experimentId: run.experimentId });
  return (
    <RunView
      projectId={projectId}
      canEdit={access.canEdit}
      experiment={{ id: experiment.id, name: experiment.name, config: experiment.config }}
      initialRun={run}
      initialResults={results}
      initialStats={stats}
      initialArtifacts={artifacts.items}
    />
  );
}
