import { beforeAll, describe, expect, it } from "vitest";
import { recordRunResults } from "../src/domain/results/record-run-results.js";
import { createTestDatabase } from "./test-database.js";
import { createStaffedTeam, expectBadField, rejectionOf, runResultsFixture, smallConfig } from "./tracking-fixtures.js";

const { store, db } = await createTestDatabase();

async function experimentIn(staff: Awaited<ReturnType<typeof createStaffedTeam>>, runs = 1, seed = 7) {
  const project = await staff.member.project.create({ teamId: staff.team.id, name: `P ${Math.random()}` });
  return staff.member.experiment.create({ projectId: project.id, name: "E", config: smallConfig({ seed }), runs });
}

describe("run.queue", () => {
  it("queues another run with the next unused seed, or the one asked for, and audits it", async () => {
    const staff = await createStaffedTeam(store, "Vision");
    const experiment = await experimentIn(staff, 2, 10);
    const third = await staff.member.run.queue({ experimentId: experiment.id });
    expect(third).toMatchObject({ experimentId: experiment.id, status: "queued", seed: 12, attempt: 0 });
    const chosen = await staff.member.run.queue({ experimentId: experiment.id, seed: 5 });
    expect(chosen.seed).toBe(5);

    const audit = await db.auditEntry.findFirstOrThrow({ where: { action: "run.queue", targetId: third.id } });
    expect(audit).toMatchObject({ teamId: staff.team.id, actorUserId: staff.people.member.userId });
  });

  it("does not let a viewer queue a run, and names the field of bad input", async () => {
    const staff = await createStaffedTeam(store, "Vision");
    const experiment = await experimentIn(staff);
    expect((await rejectionOf(staff.viewer.run.queue({ experimentId: experiment.id }))).code).toBe("FORBIDDEN");
    await expectBadField(store, staff.people.member, "run.queue", { experimentId: experiment.id, seed: -1 }, "seed");
    await expectBadField(store, staff.people.member, "run.queue", { experimentId: experiment.id, seed: 1.5 }, "seed");
    await expectBadField(store, staff.people.member, "run.queue", { experimentId: "" }, "experimentId");
    expect(await db.run.count({ where: { experimentId: experiment.id } })).toBe(1);
  });
});

describe("run.cancel", () => {
  it("cancels a queued or a running run and keeps what the worker stored", async () => {
    const staff = await createStaffedTeam(store, "Vision");
    const experiment = await experimentIn(staff, 2);
    const [queued, running] = experiment.runs.recent.map((run) => run.id) as [string, string];
    await db.run.update({
      where: { id: running },
      data: { status: "running", attempt: 1, worker: "w1", stage: "sweep", progress: '{"done":3,"total":30}' },
    });
    await recordRunResults(store, running, runResultsFixture());

    expect(await staff.member.run.cancel({ runId: queued })).toMatchObject({ status: "canceled" });
    const canceled = await staff.member.run.cancel({ runId: running });
    expect(canceled).toMatchObject({ status: "canceled", stage: "sweep", attempt: 1 });
    expect(canceled.finishedAt).toBeInstanceOf(Date);

    const details = await staff.viewer.run.get({ runId: running });
    expect(details).toMatchObject({ worker: "w1", progress: { done: 3, total: 30 }, resultRowCount: 5 });
    const audit = await db.auditEntry.findMany({
      where: { action: "run.cancel", targetId: { in: [queued, running] } },
    });
    expect(audit).toHaveLength(2);
  });

  it("refuses to cancel a finished run with a CONFLICT saying why", async () => {
    const staff = await createStaffedTeam(store, "Vision");
    const experiment = await experimentIn(staff);
    const runId = experiment.runs.recent[0]?.id ?? "";
    const finishedAt = new Date("2026-11-01T10:00:00Z");
    await db.run.update({ where: { id: runId }, data: { status: "succeeded", finishedAt } });
    const error = await rejectionOf(staff.member.run.cancel({ runId }));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe(
      `run ${runId} already finished (succeeded) at 2026-11-01T10:00:00.000Z; only a queued or running run can be canceled`,
    );
    expect((await db.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("succeeded");

    await staff.member.run.queue({ experimentId: experiment.id });
    const again = (await staff.member.run.list({ experimentId: experiment.id, status: "queued" })).items[0]?.id ?? "";
    await staff.member.run.cancel({ runId: again });
    expect((await rejectionOf(staff.member.run.cancel({ runId: again }))).message).toContain(
      "already finished (canceled)",
    );
    expect(await db.auditEntry.count({ where: { action: "run.cancel", targetId: again } })).toBe(1);
  });

  it("does not let a viewer cancel, and names the field of bad input", async () => {
    const staff = await createStaffedTeam(store, "Vision");
    const experiment = await experimentIn(staff);
    const runId = experiment.runs.recent[0]?.id ?? "";
    expect((await rejectionOf(staff.viewer.run.cancel({ runId }))).code).toBe("FORBIDDEN");
    expect((await db.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("queued");
    await expectBadField(store, staff.people.member, "run.cancel", { runId: "" }, "runId");
    await expectBadField(store, staff.people.member, "run.cancel", {}, "runId");
  });
});

describe("run.get and run.list", () => {
  let staff: Awaited<ReturnType<typeof createStaffedTeam>>;
  let experimentA: string;
  let experimentB: string;
  let projectId: string;

  beforeAll(async () => {
    staff = await createStaffedTeam(store, "Listing");
    const a = await experimentIn(staff, 3);
    experimentA = a.id;
    projectId = a.projectId;
    experimentB = (await staff.member.experiment.create({ projectId, name: "B", config: smallConfig(), runs: 2 })).id;
    const runs = await db.run.findMany({
      where: { experimentId: { in: [experimentA, experimentB] } },
      orderBy: { id: "asc" },
    });
    const days = ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04", "2026-01-05"];
    for (const [i, run] of runs.entries()) {
      await db.run.update({
        where: { id: run.id },
        data: { queuedAt: new Date(`${days[i]}T00:00:00Z`), status: i === 1 ? "running" : "queued" },
      });
    }
  });

  it("returns every field of one run, with the worker's documents parsed", async () => {
    const run = (await db.run.findFirstOrThrow({ where: { experimentId: experimentA } })).id;
    const lease = new Date("2026-11-28T10:00:00Z");
    await db.run.update({ where: { id: run }, data: { worker: "gpu-1", leaseExpiresAt: lease, errorMessage: null } });
    await recordRunResults(store, run, runResultsFixture());
    const details = await staff.viewer.run.get({ runId: run });
    expect(details).toMatchObject({
      id: run,
      experimentId: experimentA,
      projectId,
      worker: "gpu-1",
      leaseExpiresAt: lease,
      backend: { name: "wasm", description: "wasm simd, transposed-matmul fix" },
      timings: { train: 12.5, statistics: 0.8, sweep: 3.1, export: 0.2 },
      baseMetrics: { parameters: 125, bytes: 500, validationAccuracy: 0.96 },
      split: { validation: { source: "mnist/train", from: 54000, to: 60000 } },
      errorMessage: null,
      maxAttempts: 3,
      resultRowCount: 5,
    });
    expect(Object.keys(details).sort()).toEqual(
      [
        "attempt",
        "attempts",
        "backend",
        "baseMetrics",
        "completedStages",
        "deployment",
        "errorMessage",
        "experimentId",
        "finishedAt",
        "id",
        "leaseExpiresAt",
        "maxAttempts",
        "progress",
        "projectId",
        "queuedAt",
        "resultRowCount",
        "seed",
        "split",
        "stage",
        "startedAt",
        "status",
        "timings",
        "trainingCurve",
        "updatedAt",
        "worker",
      ].sort(),
    );
  });

  it("lists runs newest first by scope, status and queue date, page by page", async () => {
    const ids = async (filters: object) =>
      (await staff.viewer.run.list({ ...filters } as never)).items.map((run) =>
        run.queuedAt.toISOString().slice(0, 10),
      );
    expect(await ids({ projectId })).toEqual(["2026-01-05", "2026-01-04", "2026-01-03", "2026-01-02", "2026-01-01"]);
    expect(await ids({ teamId: staff.team.id })).toHaveLength(5);
    expect(await ids({ experimentId: experimentB })).toEqual(["2026-01-05", "2026-01-04"]);
    expect(await ids({ projectId, status: "running" })).toEqual(["2026-01-02"]);
    expect(await ids({ projectId, queued: { from: "2026-01-02T00:00:00Z", to: "2026-01-03T00:00:00Z" } })).toEqual([
      "2026-01-03",
      "2026-01-02",
    ]);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await staff.viewer.run.list({ projectId, limit: 2, cursor });
      seen.push(...page.items.map((run) => run.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(new Set(seen).size).toBe(5);
  });

  it("wants exactly one scope", async () => {
    const both = { projectId, experimentId: experimentA };
    await expectBadField(store, staff.people.viewer, "run.list", both, "experimentId", "query");
    await expectBadField(store, staff.people.viewer, "run.list", {}, "experimentId", "query");
  });
});
