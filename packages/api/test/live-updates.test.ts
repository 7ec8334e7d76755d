import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { UserActor } from "../src/access/actor.js";
import { createApiToken } from "../src/domain/api-tokens/create-api-token.js";
import type { ProjectUpdate } from "../src/domain/live/watch-project.js";
import { type RunUpdate as WatchedUpdate, watchRun } from "../src/domain/live/watch-run.js";
import { openStore } from "../src/store/store.js";
import { liveApiClient, Received } from "./live-client.js";
import { createQueueTeam, queueRuns } from "./queue-fixtures.js";
import { TEST_STORE, testDatabaseLocation } from "./test-database.js";
import { startTestServer } from "./test-server.js";

// Pushed updates (run.watch, project.watch) over real HTTP and server-sent events, on both stores.
// Opened here rather than through createTestDatabase: the replica test opens the same database again.
const database = await testDatabaseLocation();
const store = await openStore({
  dataDir: mkdtempSync(join(tmpdir(), "deadweight-live-")),
  ...(database === undefined ? {} : { database }),
});
afterAll(() => store.close());
const server = await startTestServer(store);
const team = await createQueueTeam(store, "Live");

/** Claims take a team's oldest queued run: each test that claims has a team of its own. */
async function teamOfOwn(name: string, url = server.url) {
  const own = await createQueueTeam(store, name);
  const token = await createApiToken(store, own.people.admin, { teamId: own.team.id, name: "live", kind: "user" });
  return { ...own, client: liveApiClient(url, token.token) };
}
const strangers = await createQueueTeam(store, "Strangers");

async function clientOf(person: UserActor, teamId: string) {
  const token = await createApiToken(store, person, { teamId, name: `live-${person.userId}`, kind: "user" });
  return liveApiClient(server.url, token.token);
}
// Tokens are an admin's to create; the subscriptions need only the viewer role (the direct calls below use a viewer).
const viewer = await clientOf(team.people.admin, team.team.id);

/** What watchRun yields (tRPC's tracked envelope): the update's id and the run. */
type TrackedUpdate = [string, WatchedUpdate];

/** Wire form: dates arrive as ISO text. */
type RunUpdate = Omit<WatchedUpdate, "updatedAt"> & { updatedAt: string };

function watchRunOver(client: typeof viewer, runId: string) {
  const received = new Received<RunUpdate>();
  const subscription = client.run.watch.subscribe(
    { runId },
    { onData: (update) => received.push(update.data as unknown as RunUpdate), onError: received.fail },
  );
  afterAll(() => subscription.unsubscribe());
  return { received, subscription };
}

describe("run.watch", () => {
  it("pushes the run's state at once, then each claim, progress report, stage, result and finish", async () => {
    const own = await teamOfOwn("Live claims");
    const [runId] = (await queueRuns(store, own, 1)) as [string];
    const { received } = watchRunOver(own.client, runId);
    await received.until((run) => run.status === "queued", "the queued state at once");

    const claimed = await own.worker.worker.claim({ workerName: "gpu-1" });
    const attempt = claimed!.run.attempt;
    await received.until((run) => run.status === "running" && run.worker === "gpu-1", "the claim");

    await own.worker.worker.heartbeat({ runId, attempt, progress: { stage: "train", epoch: 2, epochs: 5 } });
    await received.until((run) => run.progress?.epoch === 2 && run.stage === "train", "epoch 2 of training");

    await own.worker.worker.completeStage({ runId, attempt, stage: "train", seconds: 1.5 });
    await received.until((run) => run.completedStages.includes("train"), "the train stage done");

    await own.worker.worker.finish({ runId, attempt, outcome: "succeeded" });
    const finished = await received.until((run) => run.status === "succeeded", "the finish");
    expect(finished.finishedAt).not.toBeNull();
    // Every update is a whole state, in order: the status never goes back.
    const order = ["queued", "running", "succeeded"];
    const statuses = received.updates.map((run) => order.indexOf(run.status));
    expect(statuses).toEqual([...statuses].sort((a, b) => a - b));
  });

  it("sends the training curve whole in a subscription's first update, then only its new points", async () => {
    const own = await teamOfOwn("Live curve");
    const [runId] = (await queueRuns(store, own, 1)) as [string];
    const claimed = await own.worker.worker.claim({ workerName: "gpu-3" });
    const attempt = claimed!.run.attempt;
    const trace = (batch: number) => ({ epoch: 1, batch, loss: 2 / batch, accuracy: 0.5 });
    await own.worker.worker.heartbeat({
      runId,
      attempt,
      progress: { stage: "train", epoch: 1, epochs: 2, trace: [trace(10), trace(20)] },
    });
    const { received } = watchRunOver(own.client, runId);
    const first = await received.until((run) => run.progress?.epoch === 1, "the state with two points");
    expect(first.trainingCurveFrom).toBe(0);
    expect(first.trainingCurve?.points.map((point) => point.batch)).toEqual([10, 20]);

    await own.worker.worker.heartbeat({
      runId,
      attempt,
      progress: { stage: "train", epoch: 2, epochs: 2, trace: [trace(30)] },
    });
    const second = await received.until((run) => run.progress?.epoch === 2, "the third point");
    expect(second.trainingCurveFrom).toBe(2);
    expect(second.trainingCurve?.points.map((point) => point.batch)).toEqual([30]);

    // Another subscription (a reconnect is one) starts with the whole curve.
    const again = watchRunOver(own.client, runId);
    const whole = await again.received.until((run) => run.progress?.epoch === 2, "the whole curve");
    expect(whole.trainingCurveFrom).toBe(0);
    expect(whole.trainingCurve?.points.map((point) => point.batch)).toEqual([10, 20, 30]);
  });

  it("refuses a stranger exactly as a missing run (NOT_FOUND), without reconnecting", async () => {
    const [runId] = (await queueRuns(store, team, 1)) as [string];
    const stranger = await clientOf(strangers.people.owner, strangers.team.id);
    const { received } = watchRunOver(stranger, runId);
    await expect(received.until(() => true, "anything")).rejects.toThrow(/run \w+ does not exist/);
    expect(received.updates).toHaveLength(0);
  });

  it("sends nothing on reconnect while the run is as the client last saw it, then the next change", async () => {
    const own = await teamOfOwn("Live reconnect");
    const [runId] = (await queueRuns(store, own, 1)) as [string];
    const controller = new AbortController();
    const first = watchRun(store, own.people.viewer, { runId }, controller.signal);
    const current = await first.next();
    await first.return(undefined);
    const lastEventId = (current.value as unknown as TrackedUpdate)[0];

    const again = watchRun(store, own.people.viewer, { runId, lastEventId }, controller.signal);
    const next = again.next();
    let settled = false;
    void next.then(() => {
      settled = true;
    });
    // The store has answered the reconnect's read by the time a later claim is published; nothing was sent for it.
    await store.db.run.findUniqueOrThrow({ where: { id: runId } });
    expect(settled).toBe(false);
    await own.worker.worker.claim({ workerName: "gpu-2" });
    const update = await next;
    expect((update.value as unknown as TrackedUpdate)[1].status).toBe("running");
    controller.abort();
    await again.return(undefined);
  });
});

describe("project.watch", () => {
  it("pushes which runs changed as they are queued and claimed, and nothing about other projects", async () => {
    const received = new Received<ProjectUpdate>();
    const subscription = viewer.project.watch.subscribe(
      { projectId: team.project.id },
      { onData: (update) => received.push(update.data as ProjectUpdate), onError: received.fail },
    );
    afterAll(() => subscription.unsubscribe());
    await received.until((update) => "runIds" in update && update.runIds.length === 0, "the first, empty update");

    await queueRuns(store, strangers, 1);
    const [runId] = (await queueRuns(store, team, 1)) as [string];
    await received.until((update) => "runIds" in update && update.runIds.includes(runId), "the queued run");
    const seen = received.updates.flatMap((update) => ("runIds" in update ? update.runIds : []));
    const foreign = await store.db.run.findMany({ where: { experiment: { projectId: strangers.project.id } } });
    for (const run of foreign) expect(seen).not.toContain(run.id);
  });
});

describe("live updates and the server", () => {
  it("end when the server closes, so open subscriptions do not hold it up", async () => {
    const own = await startTestServer(store);
    const token = await createApiToken(store, team.people.admin, {
      teamId: team.team.id,
      name: "closing",
      kind: "user",
    });
    const client = liveApiClient(own.url, token.token);
    const [runId] = (await queueRuns(store, team, 1)) as [string];
    const received = new Received<RunUpdate>();
    const subscription = client.run.watch.subscribe(
      { runId },
      { onData: (update) => received.push(update.data as unknown as RunUpdate), onError: received.fail },
    );
    await received.until((run) => run.id === runId, "the run's state");
    expect(store.live.watchers.runs).toBeGreaterThan(0);
    // A grace longer than the test's timeout: only subscriptions that end at once let close finish in time.
    await own.close(10 * 60_000);
    subscription.unsubscribe();
  });

  it.runIf(TEST_STORE === "postgres")(
    "reach a viewer on another server of the same PostgreSQL store (a replica), through its change feed",
    async () => {
      const replica = await openStore({
        dataDir: mkdtempSync(join(tmpdir(), "deadweight-live-replica-")),
        database: database as string,
      });
      afterAll(() => replica.close());
      const replicaServer = await startTestServer(replica);
      const own = await teamOfOwn("Live replica", replicaServer.url);
      const [runId] = (await queueRuns(store, own, 1)) as [string];
      const { received } = watchRunOver(own.client, runId);
      await received.until((run) => run.status === "queued", "the queued state");
      // The worker reports to the first server; the viewer listens on the replica.
      const claimed = await own.worker.worker.claim({ workerName: "gpu-replica" });
      expect(claimed?.run.id).toBe(runId);
      await own.worker.worker.heartbeat({ runId, attempt: 1, progress: { stage: "train", epoch: 3, epochs: 4 } });
      await received.until((run) => run.progress?.epoch === 3, "epoch 3, heard through PostgreSQL");
    },
  );
});
