import { appRouter, createCallerFactory, LOCAL_OWNER_EMAIL, type RunningApiServer } from "@deadweight/api";

/** The embedded store's local owner, its team and the project demo runs go to. */
export interface LocalTeam {
  readonly userId: string;
  readonly teamId: string;
  readonly projectId: string;
  /** The API, called in-process as the local owner (no HTTP, no token). */
  readonly caller: ReturnType<typeof createCaller>;
}

const createCaller = createCallerFactory(appRouter);

/**
 * The local owner made at the store's first start, with team "Local" and project "Demo" (or, on a
 * store where they were renamed, the owner's first team and its oldest project). Null when the
 * store has no local owner (it was created by someone else's setup).
 */
export async function findLocalTeam(server: RunningApiServer): Promise<LocalTeam | null> {
  if (server.localOwner !== null) {
    const { userId, teamId, projectId } = server.localOwner;
    return {
      userId,
      teamId,
      projectId,
      caller: createCaller({ store: server.store, actor: { kind: "user", userId } }),
    };
  }
  const owner = await server.store.db.user.findUnique({ where: { email: LOCAL_OWNER_EMAIL }, select: { id: true } });
  if (owner === null) return null;
  const caller = createCaller({ store: server.store, actor: { kind: "user", userId: owner.id } });
  const teams = (await caller.team.listMine()).filter((team) => team.role === "owner" || team.role === "admin");
  const team = teams.find((candidate) => candidate.name === "Local") ?? teams[0];
  if (team === undefined) return null;
  const projects = await caller.project.list({ teamId: team.id, limit: 100 });
  const project = projects.items.find((candidate) => candidate.name === "Demo") ?? projects.items.at(-1);
  if (project === undefined) return null;
  return { userId: owner.id, teamId: team.id, projectId: project.id, caller };
}
