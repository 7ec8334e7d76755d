import type { Metadata } from "next";
import { DatasetsTable } from "@/components/datasets/datasets-table";
import { signedInPage } from "@/server/page-session";
import { projectAccess } from "@/server/project-access";

export const metadata: Metadata = { title: "Datasets" };

export default async function DatasetsPage({ params }: { readonly params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const { api } = await signedInPage();
  const access = await projectAccess(api, projectId);
  const datasets = await api.dataset.list.query({ teamId: access.project.teamId });
  return <DatasetsTable datasets={datasets} />;
}
