import type { Db } from "@deadweight/db";
import { z } from "zod";
import type { WorkerActor } from "../../access/actor.js";
import { requeueExpiredLeases } from "./requeue-expired-leases.js";

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
 * returns null when nothing is queued. Runs of the team whose lease expired are put back (or failed)
 * first. The run becomes running under a new attempt, with a lease and a history row.
 */
export async function claimRun(db: Db, worker: WorkerActor, input: ClaimRunInput): Promise<ClaimedRun | null> {
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
