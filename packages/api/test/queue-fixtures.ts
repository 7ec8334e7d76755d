import { randomUUID } from "node:crypto";
import type { WorkerActor } from "../src/access/actor.js";
import type { Store } from "../src/store/store.js";
import { callerFor, createStaffedTeam, smallConfig } from "./tracking-fixtures.js";

/** A worker token's actor (the token row itself matters only over HTTP). */
export function workerOf(teamId: string, tokenName = "gpu-box"): WorkerActor {
  return { kind: "worker", tokenId: `token-${randomUUID()}`, teamId, tokenName };
}

/** A staffed team with a project, and a caller for one of its worker tokens. */
export async function createQueueTeam(store: Store, name: string) {
  const staff = await createStaffedTeam(store, name);
  const project = await staff.member.project.create({ teamId: staff.team.id, name: `${name} models` });
  const workerActor = workerOf(staff.team.id, `${name} worker`);
  return { ...staff, project, workerActor, worker: callerFor(store, workerActor) };
}

let queuedAtCounter = 0;

/**
 * Queues `count` runs through experiment.create (at most 10 per experiment) and gives them distinct
 * queue times one second apart, oldest first, so the order claims must follow is the returned order.
 */
export async function queueRuns(
  store: Store,
  team: Awaited<ReturnType<typeof createQueueTeam>>,
  count: number,
  options: { readonly name?: string; readonly seed?: number; readonly maxAttempts?: number } = {},
): Promise<string[]> {
  const ids: string[] = [];
  while (ids.length < count) {
    const experiment = await team.member.experiment.create({
      projectId: team.project.id,
      name: options.name ?? "wide-mlp",
      config: smallConfig({ seed: options.seed ?? 7 }),
      runs: Math.min(10, count - ids.length),
    });
    const runs = await store.db.run.findMany({ where: { experimentId: experiment.id }, orderBy: { seed: "asc" } });
    ids.push(...runs.map((run) => run.id));
  }
  for (const id of ids) {
    queuedAtCounter += 1;
    await store.db.run.update({
      where: { id },
      data: {
        queuedAt: new Date(Date.UTC(2026, 0, 1) + queuedAtCounter * 1000),
        ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
      },
    });
  }
  return ids;
}

/** Makes a held run's lease run out (as if its worker died a while ago) without waiting for it. */
export async function expireLease(store: Store, runId: string): Promise<void> {
  await store.db.run.update({ where: { id: runId }, data: { leaseExpiresAt: new Date(Date.now() - 1000) } });
}
