import { createHash } from "node:crypto";
import { TRAINING_CHECKPOINT_NAME } from "@deadweight/protocol";
import { describe, expect, it } from "vitest";
import type { SignedInActor } from "../src/access/actor.js";
import { uploadArtifact } from "../src/domain/artifacts/upload-artifact.js";
import { requeueExpiredLeases } from "../src/domain/queue/requeue-expired-leases.js";
import { expectTrpcError } from "./expect-trpc-error.js";
import { createQueueTeam, expireLease, queueRuns } from "./queue-fixtures.js";
import { createTestDatabase } from "./test-database.js";

// A run's training checkpoint is the one artifact that is replaced (each newer one of the worker
// holding the run takes the name) and removed when the run ends; every other artifact is immutable.

const { store } = await createTestDatabase();

type Team = Awaited<ReturnType<typeof createQueueTeam>>;

async function claimOne(team: Team) {
  const claimed = await team.worker.worker.claim({ workerName: "gpu-1" });
  if (claimed === null) throw new Error("nothing was queued");
  return { runId: claimed.run.id, attempt: claimed.run.attempt };
}

function upload(
  actor: SignedInActor,
  held: { readonly runId: string; readonly attempt: number },
  name: string,
  kind: string,
  text: string,
) {
  const bytes = new TextEncoder().encode(text);
  return uploadArtifact(
    store,
    actor,
    {
      runId: held.runId,
      attempt: held.attempt,
      name,
      kind,
      contentType: "application/octet-stream",
      expectedSha256: createHash("sha256").update(bytes).digest("hex"),
    },
    {
      body: (async function* () {
        yield bytes;
      })(),
      declaredSizeBytes: bytes.length,
      maxBytes: 1024,
    },
  );
}

/** Whether the artifact store still holds content of this sha256. */
async function contentStored(sha256: string): Promise<boolean> {
  try {
    (await store.artifacts.open(sha256)).stream.destroy();
    return true;
  } catch {
    return false;
  }
}

async function artifactNames(team: Team, runId: string) {
  const page = await team.viewer.artifact.list({ runId, limit: 100 });
  return page.items.map((artifact) => [artifact.name, artifact.sizeBytes]);
}

describe("training checkpoints", () => {
  it("a newer checkpoint replaces the stored one: one record, the older one gone", async () => {
    const team = await createQueueTeam(store, "Replace");
    await queueRuns(store, team, 1);
    const held = await claimOne(team);
    const first = await upload(team.workerActor, held, TRAINING_CHECKPOINT_NAME, "checkpoint", "epoch 1");
    const second = await upload(team.workerActor, held, TRAINING_CHECKPOINT_NAME, "checkpoint", "epoch 2!");
    expect(second.created).toBe(true);
    expect(await artifactNames(team, held.runId)).toEqual([[TRAINING_CHECKPOINT_NAME, 8]]);
    await expectTrpcError(team.viewer.artifact.get({ artifactId: first.artifact.id }), "NOT_FOUND", /artifact/);
    // Its bytes are gone from the store too: replacing does not accumulate.
    expect(await contentStored(first.artifact.sha256)).toBe(false);
    expect(await contentStored(second.artifact.sha256)).toBe(true);
    // A retried upload of the same checkpoint is still a retry.
    const retried = await upload(team.workerActor, held, TRAINING_CHECKPOINT_NAME, "checkpoint", "epoch 2!");
    expect(retried).toMatchObject({ created: false, artifact: { id: second.artifact.id } });
  });

  it("replaces nothing else: other kinds, or a checkpoint uploaded by a person, are still immutable", async () => {
    const team = await createQueueTeam(store, "Immutable");
    await queueRuns(store, team, 1);
    const held = await claimOne(team);
    await upload(team.workerActor, held, "models/base/weights.bin", "weights", "trained");
    // A worker cannot pass a model off as a checkpoint to overwrite it.
    await expect(
      upload(team.workerActor, held, "models/base/weights.bin", "checkpoint", "other"),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    await upload(team.workerActor, held, TRAINING_CHECKPOINT_NAME, "checkpoint", "epoch 1");
    const member = team.people.member;
    await expect(upload(member, held, TRAINING_CHECKPOINT_NAME, "checkpoint", "mine")).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect(await artifactNames(team, held.runId)).toEqual([
      [TRAINING_CHECKPOINT_NAME, 7],
      ["models/base/weights.bin", 7],
    ]);
  });

  it("kept while the run may be resumed (lease expired, retryable failure); removed once it succeeds", async () => {
    const team = await createQueueTeam(store, "Kept");
    const [runId] = (await queueRuns(store, team, 1, { maxAttempts: 3 })) as [string];
    const first = await claimOne(team);
    const checkpoint = await upload(team.workerActor, first, TRAINING_CHECKPOINT_NAME, "checkpoint", "epoch 3");
    const stats = await upload(team.workerActor, first, "stats.json", "stats", "{}");
    await expireLease(store, runId);
    await requeueExpiredLeases(store);
    const second = await claimOne(team);
    expect(second).toEqual({ runId, attempt: 2 });
    expect(await artifactNames(team, runId)).toContainEqual([TRAINING_CHECKPOINT_NAME, 7]);
    await team.worker.worker.finish({ ...second, outcome: "failed", error: "connection reset", retryable: true });
    expect(await artifactNames(team, runId)).toContainEqual([TRAINING_CHECKPOINT_NAME, 7]);
    const third = await claimOne(team);
    await team.worker.worker.finish({ ...third, outcome: "succeeded" });
    expect(await artifactNames(team, runId)).toEqual([["stats.json", 2]]);
    expect(await contentStored(checkpoint.artifact.sha256)).toBe(false);
    expect(await contentStored(stats.artifact.sha256)).toBe(true);
  });

  it("removed when the run fails for good, when it is canceled, and when its last lease expires", async () => {
    const team = await createQueueTeam(store, "Ended");
    const [failing, canceled, expiring] = (await queueRuns(store, team, 3, { maxAttempts: 1 })) as [
      string,
      string,
      string,
    ];
    const held = [await claimOne(team), await claimOne(team), await claimOne(team)];
    for (const run of held) await upload(team.workerActor, run, TRAINING_CHECKPOINT_NAME, "checkpoint", "epoch 1");
    await team.worker.worker.finish({
      ...(held[0] as (typeof held)[0]),
      outcome: "failed",
      error: "bad",
      retryable: false,
    });
    await team.member.run.cancel({ runId: canceled });
    await expireLease(store, expiring);
    expect((await requeueExpiredLeases(store)).failed.map((entry) => entry.runId)).toEqual([expiring]);
    for (const runId of [failing, canceled, expiring]) expect(await artifactNames(team, runId)).toEqual([]);
  });
});
