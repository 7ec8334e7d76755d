import { Alert } from "@mantine/core";
import type { Metadata } from "next";
import { signedInPage } from "@/server/page-session";
import { projectAccess } from "@/server/project-access";
import { NewExperimentForm } from "./new-experiment-form";

export const metadata: Metadata = { title: "New experiment" };

export default async function NewExperimentPage({ params }: { readonly params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const { api } = await signedInPage();
  const access = await projectAccess(api, projectId);
  if (!access.canEdit) {
    return (
      <Alert color="yellow" title="Viewers cannot create experiments">
        Your role in this team is {access.role}. Ask a team admin to make you a member.
      </Alert>
    );
  }
  const datasets = await api.dataset.list.query({ teamId: access.project.teamId });
  return (
    <NewExperimentForm
      projectId={projectId}
      datasets={datasets.map((dataset) => ({ name: dataset.name, reference: dataset.reference, kind: dataset.kind }))}
    />
  );
}
