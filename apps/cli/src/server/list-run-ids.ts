import type { StatusScope } from "../config/status-arguments.js";
import type { UserApi } from "./user-api.js";

/** The scopes a table of runs can show: a team's queue, a project's runs, an experiment's. */
export type RunListScope = Exclude<StatusScope, { kind: "run" }>;

/** The ids of the scope's newest `limit` runs (run.list), newest first, and whether there are more. */
export async function listRunIds(
  api: UserApi,
  scope: RunListScope,
  limit: number,
): Promise<{ readonly items: string[]; readonly more: boolean }> {
  let where: { teamId: string } | { projectId: string } | { experimentId: string };
  if (scope.kind === "team") {
    const teams = await api.call("reading your teams", (c) => c.team.listMine.query());
    const [team] = teams;
    if (team === undefined) {
      return { items: [], more: false };
    }
    where = { teamId: team.id };
  } else {
    where = scope.kind === "project" ? { projectId: scope.projectId } : { experimentId: scope.experimentId };
  }
  const page = await api.call(
    `listing the runs of ${scope.kind === "team" ? "your team" : `${scope.kind} ${Object.values(where)[0]}`}`,
    (c) => c.run.list.query({ ...where, limit }),
  );
  return { items: page.items.map((run) => run.id), more: page.nextCursor !== null };
}
