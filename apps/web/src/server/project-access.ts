import { orNotFound, type PageApi } from "./page-session";

export type TeamRoleName = "owner" | "admin" | "member" | "viewer";

export interface ProjectAccess {
  readonly project: { readonly id: string; readonly name: string; readonly teamId: string };
  readonly role: TeamRoleName;
  /** Members and above create experiments, queue runs and promote candidates; viewers only read. */
  readonly canEdit: boolean;
  /** Admins and owners manage members and tokens. */
  readonly canAdmin: boolean;
}

/** The project (404 when it is not this person's) and what their role lets them do in it. */
export async function projectAccess(api: PageApi, projectId: string): Promise<ProjectAccess> {
  const [project, teams] = await Promise.all([
    orNotFound(api.project.get.query({ projectId })),
    api.team.listMine.query(),
  ]);
  const role = (teams.find((team) => team.id === project.teamId)?.role ?? "viewer") as TeamRoleName;
  return {
    project: { id: project.id, name: project.name, teamId: project.teamId },
    role,
    canEdit: role !== "viewer",
    canAdmin: role === "owner" || role === "admin",
  };
}
