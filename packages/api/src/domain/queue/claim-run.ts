import type { ClaimReply as ClaimedRun, ClaimRunInput } from "@deadweight/protocol";
import type { WorkerActor } from "../../access/actor.js";
import type { Store } from "../../store/store.js";
import { finishRun } from "./finish-run.js";
import { requeueExpiredLeases } from "./requeue-expired-leases.js";

export type { ClaimReply as ClaimedRun } from "@deadweight/protocol";

/**
 * Atomically claims the oldest queued run (by queue time, then id) of the worker token's team, or
 * returns null when nothing is queued, after waiting up to `waitSeconds` for one to be queued (or
 * until `signal` aborts: the client went away). Runs of the team whose lease expired are put back
 * (or failed) first. The run becomes running under a new attempt, with a lease and a history row.
 */
export async function claimRun(
  store: Store,
  worker: WorkerActor,
  input: ClaimRunInput,
  signal?: AbortSignal,
): Promise<ClaimedRun | null> {
  if (input.waitSeconds <= 0) return claimNow(store, worker, input);
  const deadline = Date.now() + input.waitSeconds * 1000;
  // Listening starts before the first look, so a run queued during that look still wakes the wait.
  const watch = store.queuedRuns.watch(worker.teamId);
  try {
    for (;;) {
      const claimed = await claimNow(store, worker, input);
      if (claimed !== null) return signal?.aborted ? handBack(store, worker, claimed) : claimed;
      const left = deadline - Date.now();
      if (left <= 0 || signal?.aborted || watch.closed) return null;
      await watch.next(left, signal);
    }
  } finally {
    watch.close();
  }
}

/**
 * The client went away while its claim was being granted: nobody will work on the run, so it goes
 * back to the queue at once (as a release: the attempt does not count) instead of after its lease.
 */
async function handBack(store: Store, worker: WorkerActor, claimed: ClaimedRun): Promise<null> {
  await finishRun(store, worker, { runId: claimed.run.id, attempt: claimed.run.attempt, outcome: "released" });
  return null;
}

async function claimNow(store: Store, worker: WorkerActor, input: ClaimRunInput): Promise<ClaimedRun | null> {
  await requeueExpiredLeases(store, { teamId: worker.teamId });
  // Pick and take in one transaction: SQLite serialises writers (and this client serialises its
  // transactions), so no other claimer can take the same run between the read and the write.
  const claimed = await store.transaction(async (tx) => {
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
  if (claimed === null) return null;
  const described = await describeClaim(store, claimed);
  store.changes.publish({ kind: "run-updated", runId: claimed.runId, projectId: described.run.projectId });
  return described;
}

async function describeClaim(
  store: Store,
  claim: { readonly runId: string; readonly attempt: number; readonly leaseExpiresAt: Date },
): Promise<ClaimedRun> {
  const run = await store.db.run.findUniqueOrThrow({
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
