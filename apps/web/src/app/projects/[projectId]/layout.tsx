import type { ReactNode } from "react";
import { AppFrame } from "@/components/app-frame";
import { orNotFound, signedInPageLoading } from "@/server/page-session";

/** Every project page: the header with team and project switchers, and the project's sections. */
export default async function ProjectLayout({
  children,
  params,
}: {
  readonly children: ReactNode;
  readonly params: Promise<{ projectId: string }>;
}) {
  const { projectId } = await params;
  const {
    me,
    api,
    data: [teams, project],
  } = await signedInPageLoading((api) =>
    Promise.all([api.team.listMine.query(), orNotFound(api.project.get.query({ projectId }))]),
  );
  const projects = await api.project.list.query({ teamId: project.teamId, limit: 100 });
  return (
    <AppFrame
      user={{ name: me.name, email: me.email }}
      teams={teams.map((team) => ({ id: team.id, name: team.name, role: team.role }))}
      project={{ id: project.id, name: project.name, teamId: project.teamId }}
      projects={projects.items.map((item) => ({ id: item.id, name: item.name }))}
    >
      {children}
    </AppFrame>
  );
}
