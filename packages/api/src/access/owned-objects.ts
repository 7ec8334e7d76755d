import type { Db } from "@deadweight/db";
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
  const project = await owned(db, `project:${projectId}`, () =>
    db.project.findUnique({ where: { id: projectId }, select: { id: true, teamId: true } }),
  );
  if (project === null) throw AppError.notFound("project", projectId);
  const role = await requireTeamRole(db, actor, project.teamId, minimum, { type: "project", id: projectId });
  return { teamId: project.teamId, projectId: project.id, role } satisfies ProjectAccess;
}

export async function accessExperiment(db: Db, actor: UserActor, experimentId: string, minimum: TeamRole) {
  const experiment = await owned(db, `experiment:${experimentId}`, () =>
    db.experiment.findUnique({
      where: { id: experimentId },
      select: { id: true, projectId: true, project: { select: { teamId: true } } },
    }),
  );
  if (experiment === null) throw AppError.notFound("experiment", experimentId);
  const role = await requireTeamRole(db, actor, experiment.project.teamId, minimum, {
    type: "experiment",
    id: experimentId,
  });
  return { teamId: experiment.project.teamId, projectId: experiment.projectId, experimentId, role };
}

export async function accessRun(db: Db, actor: UserActor, runId: string, minimum: TeamRole) {
  const run = await runOwner(db, runId);
  if (run === null) throw AppError.notFound("run", runId);
  const teamId = run.experiment.project.teamId;
  const role = await requireTeamRole(db, actor, teamId, minimum, { type: "run", id: runId });
  return { teamId, projectId: run.experiment.projectId, experimentId: run.experimentId, runId, role };
}

/** A run of the worker token's own team; any other run is NOT_FOUND, exactly as if it did not exist. */
export async function accessRunAsWorker(db: Db, worker: WorkerActor, runId: string) {
  const run = await runOwner(db, runId);
  if (run === null || run.experiment.project.teamId !== worker.teamId) throw AppError.notFound("run", runId);
  return { teamId: worker.teamId, projectId: run.experiment.projectId, experimentId: run.experimentId, runId };
}

function runOwner(db: Db, runId: string) {
  return owned(db, `run:${runId}`, () =>
    db.run.findUnique({
      where: { id: runId },
      select: {
        id: true,
        experimentId: true,
        experiment: { select: { projectId: true, project: { select: { teamId: true } } } },
      },
    }),
  );
}

export async function accessResultRow(db: Db, actor: UserActor, resultRowId: string, minimum: TeamRole) {
  const row = await owned(db, `result-row:${resultRowId}`, () =>
    db.resultRow.findUnique({
      where: { id: resultRowId },
      select: {
        id: true,
        runId: true,
        run: {
          select: {
            experimentId: true,
            experiment: { select: { projectId: true, project: { select: { teamId: true } } } },
          },
        },
      },
    }),
  );
  if (row === null) throw AppError.notFound("result row", resultRowId);
  const teamId = row.run.experiment.project.teamId;
  const role = await requireTeamRole(db, actor, teamId, minimum, { type: "result row", id: resultRowId });
  return { teamId, projectId: row.run.experiment.projectId, runId: row.runId, resultRowId, role };
}

export async function accessArtifact(db: Db, actor: UserActor, artifactId: string, minimum: TeamRole) {
  const artifact = await artifactOwner(db, artifactId);
  if (artifact === null) throw AppError.notFound("artifact", artifactId);
  const teamId = artifact.run.experiment.project.teamId;
  const role = await requireTeamRole(db, actor, teamId, minimum, { type: "artifact", id: artifactId });
  return { teamId, projectId: artifact.run.experiment.projectId, runId: artifact.runId, artifactId, role };
}

/** An artifact of a run of the worker token's own team (a resumed run downloads its stored base model). */
export async function accessArtifactAsWorker(db: Db, worker: WorkerActor, artifactId: string) {
  const artifact = await artifactOwner(db, artifactId);
  if (artifact === null || artifact.run.experiment.project.teamId !== worker.teamId) {
    throw AppError.notFound("artifact", artifactId);
  }
  return { teamId: worker.teamId, projectId: artifact.run.experiment.projectId, runId: artifact.runId, artifactId };
}

function artifactOwner(db: Db, artifactId: string) {
  return owned(db, `artifact:${artifactId}`, () =>
    db.artifact.findUnique({
      where: { id: artifactId },
      select: {
        id: true,
        runId: true,
        run: { select: { experiment: { select: { projectId: true, project: { select: { teamId: true } } } } } },
      },
    }),
  );
}

/**
 * Which team (and project, run...) an object belongs to never changes, so the lookup is made once
 * per object and kept in the access cache. Missing objects are not remembered: they may be created later.
 */
async function owned<T>(db: Db, key: string, load: () => Promise<T | null>): Promise<T | null> {
  const cache = accessCacheFor(db);
  const known = cache.owner<T>(key);
  if (known !== undefined) return known;
  const loaded = await load();
  if (loaded !== null) cache.rememberOwner(key, loaded);
  return loaded;
}
