import type { StoreReads } from "@deadweight/db";
import { AppError } from "../errors/app-error.js";
import type { Store } from "../store/store.js";
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

export async function accessProject(store: Store, actor: UserActor, projectId: string, minimum: TeamRole) {
  const project = await owned(store, "project", projectId);
  if (project === undefined) throw AppError.notFound("project", projectId);
  const role = await requireTeamRole(store, actor, project.teamId, minimum, { type: "project", id: projectId });
  return { teamId: project.teamId, projectId, role } satisfies ProjectAccess;
}

export async function accessExperiment(store: Store, actor: UserActor, experimentId: string, minimum: TeamRole) {
  const experiment = await owned(store, "experiment", experimentId);
  if (experiment === undefined) throw AppError.notFound("experiment", experimentId);
  const role = await requireTeamRole(store, actor, experiment.teamId, minimum, {
    type: "experiment",
    id: experimentId,
  });
  return { teamId: experiment.teamId, projectId: experiment.projectId, experimentId, role };
}

export async function accessRun(store: Store, actor: UserActor, runId: string, minimum: TeamRole) {
  const run = await owned(store, "run", runId);
  if (run === undefined) throw AppError.notFound("run", runId);
  const role = await requireTeamRole(store, actor, run.teamId, minimum, { type: "run", id: runId });
  return { teamId: run.teamId, projectId: run.projectId, experimentId: run.experimentId, runId, role };
}

/** A run of the worker token's own team; any other run is NOT_FOUND, exactly as if it did not exist. */
export async function accessRunAsWorker(store: Store, worker: WorkerActor, runId: string) {
  const run = await owned(store, "run", runId);
  if (run === undefined || run.teamId !== worker.teamId) throw AppError.notFound("run", runId);
  return { teamId: worker.teamId, projectId: run.projectId, experimentId: run.experimentId, runId };
}

export async function accessResultRow(store: Store, actor: UserActor, resultRowId: string, minimum: TeamRole) {
  const row = await owned(store, "result-row", resultRowId);
  if (row === undefined) throw AppError.notFound("result row", resultRowId);
  const role = await requireTeamRole(store, actor, row.teamId, minimum, { type: "result row", id: resultRowId });
  return { teamId: row.teamId, projectId: row.projectId, runId: row.runId, resultRowId, role };
}

export async function accessArtifact(store: Store, actor: UserActor, artifactId: string, minimum: TeamRole) {
  const artifact = await owned(store, "artifact", artifactId);
  if (artifact === undefined) throw AppError.notFound("artifact", artifactId);
  const role = await requireTeamRole(store, actor, artifact.teamId, minimum, { type: "artifact", id: artifactId });
  return { teamId: artifact.teamId, projectId: artifact.projectId, runId: artifact.runId, artifactId, role };
}

/** An artifact of a run of the worker token's own team (a resumed run downloads its stored base model). */
export async function accessArtifactAsWorker(store: Store, worker: WorkerActor, artifactId: string) {
  const artifact = await owned(store, "artifact", artifactId);
  if (artifact === undefined || artifact.teamId !== worker.teamId) throw AppError.notFound("artifact", artifactId);
  return { teamId: worker.teamId, projectId: artifact.projectId, runId: artifact.runId, artifactId };
}

// Who owns each kind of object, by its id: one indexed lookup per join on the read path. Through
// Prisma, this first lookup of each object cost about a millisecond of CPU (query compilation and
// plan interpretation), the largest part of a first result.rows of a run.
const OWNER_QUERIES = {
  project: (reads: StoreReads, id: string) =>
    reads.selectFrom("Project").select("teamId").where("id", "=", id).executeTakeFirst(),
  experiment: (reads: StoreReads, id: string) =>
    reads
      .selectFrom("Experiment as e")
      .innerJoin("Project as p", "p.id", "e.projectId")
      .select(["p.teamId", "e.projectId"])
      .where("e.id", "=", id)
      .executeTakeFirst(),
  run: (reads: StoreReads, id: string) =>
    reads
      .selectFrom("Run as r")
      .innerJoin("Experiment as e", "e.id", "r.experimentId")
      .innerJoin("Project as p", "p.id", "e.projectId")
      .select(["p.teamId", "e.projectId", "r.experimentId"])
      .where("r.id", "=", id)
      .executeTakeFirst(),
  "result-row": (reads: StoreReads, id: string) =>
    reads
      .selectFrom("ResultRow as x")
      .innerJoin("Run as r", "r.id", "x.runId")
      .innerJoin("Experiment as e", "e.id", "r.experimentId")
      .innerJoin("Project as p", "p.id", "e.projectId")
      .select(["p.teamId", "e.projectId", "x.runId"])
      .where("x.id", "=", id)
      .executeTakeFirst(),
  artifact: (reads: StoreReads, id: string) =>
    reads
      .selectFrom("Artifact as a")
      .innerJoin("Run as r", "r.id", "a.runId")
      .innerJoin("Experiment as e", "e.id", "r.experimentId")
      .innerJoin("Project as p", "p.id", "e.projectId")
      .select(["p.teamId", "e.projectId", "a.runId"])
      .where("a.id", "=", id)
      .executeTakeFirst(),
} as const;

type OwnerKind = keyof typeof OWNER_QUERIES;
type OwnerOf<K extends OwnerKind> = NonNullable<Awaited<ReturnType<(typeof OWNER_QUERIES)[K]>>>;

/**
 * Which team (and project, run...) an object belongs to never changes, so the lookup is made once
 * per object and kept in the store's access cache. Missing objects are not remembered: they may be created later.
 */
async function owned<K extends OwnerKind>(store: Store, kind: K, id: string): Promise<OwnerOf<K> | undefined> {
  const key = `${kind}:${id}`;
  const known = store.access.owner<OwnerOf<K>>(key);
  if (known !== undefined) return known;
  const loaded = (await OWNER_QUERIES[kind](store.reads, id)) as OwnerOf<K> | undefined;
  if (loaded !== undefined) store.access.rememberOwner(key, loaded);
  return loaded;
}
