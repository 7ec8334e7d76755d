import { type Db, readConnectionFor } from "@deadweight/db";
import { AppError } from "../errors/app-error.js";
import { accessCacheFor } from "./access-cache.js";
import type { UserActor, WorkerActor } from "./actor.js";
import { requireTeamRole, type TeamRole } from "./team-roles.js";

/**
 * Loaders for objects that belong to a team through their project. Each returns the object's ids
 * and the actor's role, or fails with NOT_FOUND (missing, or another team's) / FORBIDDEN (role too weak).
 */

export interface ProjectAccess {
  readonly teamId: string;
  readonly projectId: string;
  readonly role: TeamRole;
}

export async function accessProject(db: Db, actor: UserActor, projectId: string, minimum: TeamRole) {
  const project = owned<ProjectOwner>(db, "project", projectId);
  if (project === undefined) throw AppError.notFound("project", projectId);
  const role = await requireTeamRole(db, actor, project.teamId, minimum, { type: "project", id: projectId });
  return { teamId: project.teamId, projectId, role } satisfies ProjectAccess;
}

export async function accessExperiment(db: Db, actor: UserActor, experimentId: string, minimum: TeamRole) {
  const experiment = owned<ExperimentOwner>(db, "experiment", experimentId);
  if (experiment === undefined) throw AppError.notFound("experiment", experimentId);
  const role = await requireTeamRole(db, actor, experiment.teamId, minimum, { type: "experiment", id: experimentId });
  return { teamId: experiment.teamId, projectId: experiment.projectId, experimentId, role };
}

export async function accessRun(db: Db, actor: UserActor, runId: string, minimum: TeamRole) {
  const run = owned<RunOwner>(db, "run", runId);
  if (run === undefined) throw AppError.notFound("run", runId);
  const role = await requireTeamRole(db, actor, run.teamId, minimum, { type: "run", id: runId });
  return { teamId: run.teamId, projectId: run.projectId, experimentId: run.experimentId, runId, role };
}

/** A run of the worker token's own team; any other run is NOT_FOUND, exactly as if it did not exist. */
export async function accessRunAsWorker(db: Db, worker: WorkerActor, runId: string) {
  const run = owned<RunOwner>(db, "run", runId);
  if (run === undefined || run.teamId !== worker.teamId) throw AppError.notFound("run", runId);
  return { teamId: worker.teamId, projectId: run.projectId, experimentId: run.experimentId, runId };
}

export async function accessResultRow(db: Db, actor: UserActor, resultRowId: string, minimum: TeamRole) {
  const row = owned<ResultRowOwner>(db, "result-row", resultRowId);
  if (row === undefined) throw AppError.notFound("result row", resultRowId);
  const role = await requireTeamRole(db, actor, row.teamId, minimum, { type: "result row", id: resultRowId });
  return { teamId: row.teamId, projectId: row.projectId, runId: row.runId, resultRowId, role };
}

export async function accessArtifact(db: Db, actor: UserActor, artifactId: string, minimum: TeamRole) {
  const artifact = owned<ArtifactOwner>(db, "artifact", artifactId);
  if (artifact === undefined) throw AppError.notFound("artifact", artifactId);
  const role = await requireTeamRole(db, actor, artifact.teamId, minimum, { type: "artifact", id: artifactId });
  return { teamId: artifact.teamId, projectId: artifact.projectId, runId: artifact.runId, artifactId, role };
}

/** An artifact of a run of the worker token's own team (a resumed run downloads its stored base model). */
export async function accessArtifactAsWorker(db: Db, worker: WorkerActor, artifactId: string) {
  const artifact = owned<ArtifactOwner>(db, "artifact", artifactId);
  if (artifact === undefined || artifact.teamId !== worker.teamId) throw AppError.notFound("artifact", artifactId);
  return { teamId: worker.teamId, projectId: artifact.projectId, runId: artifact.runId, artifactId };
}

interface ProjectOwner {
  readonly teamId: string;
}
interface ExperimentOwner extends ProjectOwner {
  readonly projectId: string;
}
interface RunOwner extends ExperimentOwner {
  readonly experimentId: string;
}
interface ResultRowOwner extends ExperimentOwner {
  readonly runId: string;
}
interface ArtifactOwner extends ExperimentOwner {
  readonly runId: string;
}

// Who owns each kind of object, by its id: one indexed lookup per join, on the read connection (see
// @deadweight/db's read-connection.ts). Through Prisma, this first lookup of each object cost about
// a millisecond of CPU (query compilation and plan interpretation), the largest part of a first
// result.rows of a run.
const OWNER_SQL = {
  project: `SELECT "teamId" FROM "Project" WHERE "id" = ?`,
  experiment: `SELECT p."teamId", e."projectId" FROM "Experiment" e JOIN "Project" p ON p."id" = e."projectId"
WHERE e."id" = ?`,
  run: `SELECT p."teamId", e."projectId", r."experimentId" FROM "Run" r
JOIN "Experiment" e ON e."id" = r."experimentId" JOIN "Project" p ON p."id" = e."projectId" WHERE r."id" = ?`,
  "result-row": `SELECT p."teamId", e."projectId", x."runId" FROM "ResultRow" x JOIN "Run" r ON r."id" = x."runId"
JOIN "Experiment" e ON e."id" = r."experimentId" JOIN "Project" p ON p."id" = e."projectId" WHERE x."id" = ?`,
  artifact: `SELECT p."teamId", e."projectId", a."runId" FROM "Artifact" a JOIN "Run" r ON r."id" = a."runId"
JOIN "Experiment" e ON e."id" = r."experimentId" JOIN "Project" p ON p."id" = e."projectId" WHERE a."id" = ?`,
} as const;

/**
 * Which team (and project, run...) an object belongs to never changes, so the lookup is made once
 * per object and kept in the access cache. Missing objects are not remembered: they may be created later.
 */
function owned<T>(db: Db, kind: keyof typeof OWNER_SQL, id: string): T | undefined {
  const cache = accessCacheFor(db);
  const key = `${kind}:${id}`;
  const known = cache.owner<T>(key);
  if (known !== undefined) return known;
  const loaded = readConnectionFor(db).get<T>(OWNER_SQL[kind], [id]);
  if (loaded !== undefined) cache.rememberOwner(key, loaded);
  return loaded;
}
