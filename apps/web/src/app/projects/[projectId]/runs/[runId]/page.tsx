import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { RunView } from "@/components/run/run-view";
import {
  type ArtifactView,
  type LayerStatsResult,
  type RouterOutputs,
  type RunDetails,
} from "@/lib/router-outputs";
import { orNotFound, signedInPage } from "@/server/page-session";
import { projectAccess } from "@/server/project-access";

export const metadata: Metadata = { title: "Run" };

export default async function RunPage({ params }: { readonly params: Promise<{ projectId: string; runId: string }> }) {
  const { projectId, runId } = await params;
  const { api } = await signedInPage();
  const [access, run] = await Promise.all([projectAccess(api, projectId), orNotFound(api.run.get.query({ runId }))]);
  if (run.projectId !== projectId) notFound();
  const [experiment, results, stats, artifacts] = await Promise.all([
    api.experiment.get.query({ experimentId: run.experimentId }),
    api.result.rows.query({ runId }),
    api.result.layerStats.query({ runId }),
    api.artifact.list.query({ runId, limit: 100 }),
  ]);
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
