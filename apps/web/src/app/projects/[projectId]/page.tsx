import type { Metadata } from "next";
import { signedInPage } from "@/server/page-session";
import { projectAccess } from "@/server/project-access";
import { ExperimentsView } from "./experiments-view";

export const metadata: Metadata = { title: "Experiments" };

export default async function ExperimentsPage({ params }: { readonly params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const { api } = await signedInPage();
  const access = await projectAccess(api, projectId);
  const firstPage = await api.experiment.list.query({ projectId, limit: 25 });
  return <ExperimentsView projectId={projectId} canEdit={access.canEdit} firstPage={firstPage} />;
}
