import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { RunView } from "@/components/run/run-view";
import {
  type ArtifactView,
  asTransported,
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
  const [access, run] = await Promise.all([projectAccess(api, projectId), orNotFound(api.run.get({ runId }))]);
  if (run.projectId !== projectId) notFound();
  const [experiment, results, stats, artifacts] = await Promise.all([
    api.experiment.get({ experimentId: run.experimentId }),
    api.result.rows({ runId }),
    api.result.layerStats({ runId }),
    api.artifact.list({ runId, limit: 100 }),
  ]);
  return (
    <RunView
      projectId={projectId}
      canEdit={access.canEdit}
      experiment={{ id: experiment.id, name: experiment.name, config: asTransported<Record<string, unknown>>(experiment.config) }}
      initialRun={asTransported<RunDetails>(run)}
      initialResults={asTransported<RouterOutputs["result"]["rows"]>(results)}
      initialStats={asTransported<LayerStatsResult>(stats)}
      initialArtifacts={asTransported<ArtifactView[]>(artifacts.items)}
    />
  );
}
