import type { Metadata } from "next";
import { CandidatesView } from "@/components/candidates/candidates-view";
import { signedInPage } from "@/server/page-session";
import { projectAccess } from "@/server/project-access";

export const metadata: Metadata = { title: "Candidates" };

export default async function CandidatesPage({ params }: { readonly params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const { api } = await signedInPage();
  const access = await projectAccess(api, projectId);
  const [candidates, history] = await Promise.all([
    api.candidate.list.query({ projectId }),
    api.candidate.history.query({ projectId, limit: 50 }),
  ]);
  return (
    <CandidatesView
      projectId={projectId}
      canEdit={access.canEdit}
      initialCandidates={candidates}
      initialHistory={history}
    />
  );
}
