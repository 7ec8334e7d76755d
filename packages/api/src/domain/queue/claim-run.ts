import type { Db } from "@deadweight/db";
import { z } from "zod";
import type { WorkerActor } from "../../access/actor.js";
import { finishRun } from "./finish-run.js";
import { watchQueuedRuns } from "./queued-run-signal.js";
import { requeueExpiredLeases } from "./requeue-expired-leases.js";

/** A waiting claim looks at the queue again this often even without a signal (runs queued by another process). */
const WAITING_RECHECK_MS = 1_000;

export const claimRunInput = z.object({
  /** Who is claiming, for people reading the run ("gpu-box-1/2"); several workers may share a token. */
  workerName: z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters"),
  /** How long the claim holds without a heartbeat; each heartbeat extends it by as much again. */
  leaseSeconds: z
    .number()
    .int("must be a whole number of seconds")
    .min(5, "must be at least 5 seconds")
    .max(600, "must be at most 600 seconds")
    .default(30),
  /**
   * Long poll: when nothing is claimable, wait up to this long for a run of the team to be queued
   * before answering null, instead of the worker asking again and again. 0 answers at once.
   */
  waitSeconds: z.number().min(0, "must be 0 or more seconds").max(30, "must be at most 30 seconds").default(0),
});
export type ClaimRunInput = z.output<typeof claimRunInput>;

export interface ClaimedRun {
  readonly run: {
    readonly id: string;
    /** This claim's number (1 for the first); every report on the run names it. */
    readonly attempt: number;
    readonly maxAttempts: number;
    readonly experimentId: string;
    readonly projectId: string;
    readonly experimentName: string;
    readonly seed: number | null;
    /** The experiment's stored configuration, with `seed` replaced by the run's seed when it has one. */
    readonly config: unknown;
    /** Stages an earlier attempt finished: resume after them. */
    readonly completedStages: string[];
    /** What earlier attempts stored (a trained base model is not trained again). */
    readonly artifacts: ReadonlyArray<{
      readonly id: string;
      readonly name: string;
      readonly kind: string;
      readonly sha256: string;
      readonly sizeBytes: number;
      readonly contentType: string;
    }>;
  };
  readonly leaseExpiresAt: Date;
}

/**
 * Atomically claims the oldest queued run (by queue time, then id) of the worker token's team, or
 * returns null when nothing is queued, after waiting up to `waitSeconds` for one to be queued (or
 * until `signal` aborts: the client went away). Runs of the team whose lease expired are put back
 * (or failed) first. The run becomes running under a new attempt, with a lease and a history row.
 */
export async function claimRun(
  db: Db,
  worker: WorkerActor,
  input: ClaimRunInput,
  signal?: AbortSignal,
): Promise<ClaimedRun | null> {
  if (input.waitSeconds <= 0) return claimNow(db, worker, input);
  const deadline = Date.now() + input.waitSeconds * 1000;
  // Listening starts before the first look, so a run queued during that look still wakes the wait.
  const watch = watchQueuedRuns(db, worker.teamId);
  try {
    for (;;) {
      const claimed = await claimNow(db, worker, input);
      if (claimed !== null) return signal?.aborted ? handBack(db, worker, claimed) : claimed;
      const left = deadline - Date.now();
      if (left <= 0 || signal?.aborted || watch.closed) return null;
      await watch.next(Math.min(WAITING_RECHECK_MS, left), signal);
    }
  } finally {
    watch.close();
  }
}

/**
 * The client went away while its claim was being granted: nobody will work on the run, so it goes
 * back to the queue at once (as a release: the attempt does not count) instead of after its lease.
 */
async function handBack(db: Db, worker: WorkerActor, claimed: ClaimedRun): Promise<null> {
  await finishRun(db, worker, { runId: claimed.run.id, attempt: claimed.run.attempt, outcome: "released" });
  return null;
}

async function claimNow(db: Db, worker: WorkerActor, input: ClaimRunInput): Promise<ClaimedRun | null> {
  await requeueExpiredLeases(db, { teamId: worker.teamId });
  // Pick and take in one transaction: SQLite serialises writers (and this client serialises its
  // transactions), so no other claimer can take the same run between the read and the write.
  const claimed = await db.$transaction(async (tx) => {
    const next = await tx.run.findFirst({
      where: { status: "queued", experiment: { project: { teamId: worker.teamId } } },
      orderBy: [{ queuedAt: "asc" }, { id: "asc" }],
      select: { id: true, attempt: true, startedAt: true },
    });
    if (next === null) return null;
    const now = new Date();
    const attempt = next.attempt + 1;
    const leaseExpiresAt = new Date(now.getTime() + input.leaseSeconds * 1000);
    await tx.run.update({
      where: { id: next.id },
      data: {
        status: "running",
        attempt,
        worker: input.workerName,
        leaseExpiresAt,
        leaseSeconds: input.leaseSeconds,
        startedAt: next.startedAt ?? now,
        // Progress is live state of the current attempt; what earlier attempts finished is in completedStages.
        stage: null,
        progress: null,
      },
      select: { id: true },
    });
    await tx.runAttempt.create({ data: { runId: next.id, attempt, worker: input.workerName, startedAt: now } });
    return { runId: next.id, attempt, leaseExpiresAt };
  });
  return claimed === null ? null : describeClaim(db, claimed);
}

async function describeClaim(
  db: Db,
  claim: { readonly runId: string; readonly attempt: number; readonly leaseExpiresAt: Date },
): Promise<ClaimedRun> {
  const run = await db.run.findUniqueOrThrow({
    where: { id: claim.runId },
    select: {
      id: true,
      maxAttempts: true,
      seed: true,
      completedStages: true,
      experiment: { select: { id: true, name: true, projectId: true, config: true } },
      artifacts: {
        orderBy: { name: "asc" },
        select: { id: true, name: true, kind: true, sha256: true, sizeBytes: true, contentType: true },
      },
    },
  });
  const config = JSON.parse(run.experiment.config) as unknown;
  return {
    run: {
      id: run.id,
      attempt: claim.attempt,
      maxAttempts: run.maxAttempts,
      experimentId: run.experiment.id,
      projectId: run.experiment.projectId,
      experimentName: run.experiment.name,
      seed: run.seed,
      config:
        run.seed !== null && typeof config === "object" && config !== null && !Array.isArray(config)
          ? { ...config, seed: run.seed }
          : config,
      completedStages: JSON.parse(run.completedStages) as string[],
      artifacts: run.artifacts,
    },
    leaseExpiresAt: claim.leaseExpiresAt,
  };
}
