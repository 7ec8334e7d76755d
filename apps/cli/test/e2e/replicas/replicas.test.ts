import { describe, expect, it } from "vitest";
import { spawnWorker, waitFor } from "../queue/queue-fixtures.js";
import { apiOf, createSharedStore, ownerTokens, type Replica, startReplica } from "./replica-fixtures.js";

// Two real API server processes over one PostgreSQL database and one S3-compatible bucket, and a
// real worker process that knows both.

const shared = await createSharedStore();
const replicaA = await startReplica("a", shared);
const replicaB = await startReplica("b", shared);
const tokens = await ownerTokens(replicaA);

/** A small MNIST run that trains for a few seconds. */
const trainingConfig: Record<string, unknown> = {
  dataset: "mnist",
  model: { hidden: [96, 48] },
  training: { epochs: 3, batchSize: 64 },
  split: { maxTrainSamples: 12_000, maxTestSamples: 2_000 },
  pruning: { means: [0, 0.2], stds: [0.2, 1] },
  deployment: { dtypes: ["float32"] },
  seed: 11,
};

function killed(replica: Replica) {
  replica.process.kill("SIGKILL");
  return replica.exited;
}

describe("two replicas over one PostgreSQL and one bucket", () => {
  it("shares people and tokens: a token made through A works on B, and B sees A's writes at once", async () => {
    const onA = apiOf(replicaA.url, tokens.userToken);
    const onB = apiOf(replicaB.url, tokens.userToken);
    const experiment = await onA.experiment.create.mutate({
      projectId: tokens.projectId,
      name: "written on A",
      config: { ...trainingConfig, training: { epochs: 0 } },
    });
    expect((await onB.experiment.get.query({ experimentId: experiment.id })).name).toBe("written on A");
    // Canceled through B: the run A queued is no longer anyone's to claim.
    await onB.run.cancel.mutate({ runId: experiment.runs.recent[0]!.id });
    expect((await onA.run.get.query({ runId: experiment.runs.recent[0]!.id })).status).toBe("canceled");
  });

  it("takes 20 clients writing and reading through both replicas at once: no error, no lost write", async () => {
    const project = await apiOf(replicaA.url, tokens.userToken).project.create.mutate({
      teamId: tokens.teamId,
      name: "concurrent writers",
    });
    const clients = Array.from({ length: 20 }, (_, index) =>
      apiOf(index % 2 === 0 ? replicaA.url : replicaB.url, tokens.userToken),
    );
    const outcomes = await Promise.allSettled(
      clients.map(async (client, writer) => {
        for (let i = 0; i < 5; i++) {
          const experiment = await client.experiment.create.mutate({
            projectId: project.id,
            name: `writer ${writer} experiment ${i}`,
            tags: [`writer-${writer}`],
            config: { ...trainingConfig, training: { epochs: 0 } },
          });
          // Read back through the other replica at once: it sees the write.
          const other = clients[(writer + 1) % clients.length]!;
          expect((await other.experiment.get.query({ experimentId: experiment.id })).runs.total).toBe(1);
          await other.experiment.list.query({ projectId: project.id, limit: 25 });
        }
      }),
    );
    expect(
      outcomes
        .filter((outcome) => outcome.status === "rejected")
        .map((outcome) => String((outcome as PromiseRejectedResult).reason)),
    ).toEqual([]);
    for (const replica of [replicaA, replicaB]) {
      const api = apiOf(replica.url, tokens.userToken);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.experiment.list.query({
          projectId: project.id,
          limit: 100,
          ...(cursor === undefined ? {} : { cursor }),
        });
        seen.push(...page.items.map((item) => item.name));
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      expect(new Set(seen).size).toBe(100);
    }
    // Nobody may take these runs: they were only written to be counted.
    for (const run of (await clients[0]!.run.list.query({ projectId: project.id, limit: 100 })).items) {
      await clients[0]!.run.cancel.mutate({ runId: run.id });
    }
  }, 120_000);

  it("keeps a run going when the replica its worker talks to is killed, and finishes it exactly once", async () => {
    const onB = apiOf(replicaB.url, tokens.userToken);
    const experiment = await onB.experiment.create.mutate({
      projectId: tokens.projectId,
      name: "survives a replica",
      config: trainingConfig,
    });
    const runId = experiment.runs.recent[0]!.id;
    const worker = spawnWorker(`${replicaA.url},${replicaB.url}`, tokens.workerToken, "failing-over");
    // Watched through B while the worker claims and reports through A.
    await waitFor("the run to be training", async () => (await onB.run.get.query({ runId })).stage === "train", 90_000);
    await killed(replicaA);
    const finished = await waitFor(
      "the run to finish through replica B",
      async () => {
        const run = await onB.run.get.query({ runId });
        return run.status === "queued" || run.status === "running" ? undefined : run;
      },
      180_000,
      250,
    );
    expect(finished.status, worker.log()).toBe("succeeded");
    // One claim, never handed back or claimed again: exactly once.
    expect(finished.attempts.map((attempt) => [attempt.attempt, attempt.worker, attempt.outcome])).toEqual([
      [1, expect.stringContaining("failing-over"), "succeeded"],
    ]);
    expect(worker.log()).toContain(`moving to ${replicaB.url}`);
    const results = await onB.result.rows.query({ runId });
    expect(results.rows.map((row) => row.rowKey).sort()).toEqual([
      "mean0-std0.2",
      "mean0-std1",
      "mean0.2-std0.2",
      "mean0.2-std1",
    ]);
    // Every artifact once, and its bytes readable from the bucket through B.
    const artifacts = await onB.artifact.list.query({ runId, limit: 100 });
    const names = artifacts.items.map((artifact) => artifact.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain("models/base/model.json");
    const download = await fetch(`${replicaB.url}${artifacts.items[0]!.downloadPath}`, {
      headers: { authorization: `Bearer ${tokens.userToken}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get("x-content-sha256")).toBe(artifacts.items[0]!.sha256);
    worker.process.kill("SIGTERM");
    await worker.exited;
  }, 300_000);
});
