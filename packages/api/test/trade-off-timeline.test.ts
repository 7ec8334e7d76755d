import { beforeAll, describe, expect, it } from "vitest";
import type { Actor, UserActor } from "../src/access/actor.js";
import { TIMELINE_MAX_EVENTS, TIMELINE_MAX_RUNS } from "../src/domain/candidates/get-trade-off-timeline.js";
import { candidateRouter } from "../src/routers/candidate-router.js";
import { createCallerFactory, router } from "../src/trpc/trpc.js";
import { expectInvalidInput, expectTrpcError } from "./expect-trpc-error.js";
import { createPerson, createTeam } from "./people.js";
import { createExperiment, createProject, createResultRow, createRun } from "./result-fixtures.js";
import { createTestDatabase } from "./test-database.js";

// The project's trade-off history: each alias's steps with the numbers stored at every change, and
// what each finished run offered, on a real SQLite file or PostgreSQL database.

const { store, db } = await createTestDatabase();
const callerFor = createCallerFactory(router({ candidate: candidateRouter }));
const as = (actor: Actor) => callerFor({ store, actor }).candidate;

let member: UserActor;
let admin: UserActor;
let viewer: UserActor;
let outsider: UserActor;
let teamId: string;

beforeAll(async () => {
  member = await createPerson(db, "Mo Member");
  admin = await createPerson(db, "Ada Admin");
  viewer = await createPerson(db, "Vic Viewer");
  outsider = await createPerson(db, "Otto Outsider");
  teamId = (
    await createTeam(db, "Edge team", [
      [member, "member"],
      [admin, "admin"],
      [viewer, "viewer"],
    ])
  ).id;
  await createTeam(db, "Other team", [[outsider, "owner"]]);
});

const JANUARY = new Date("2026-01-10T09:00:00Z");
const FEBRUARY = new Date("2026-02-10T09:00:00Z");
const MARCH = new Date("2026-03-10T09:00:00Z");

/**
 * Three finished runs (January, February, March) and two that never succeeded. Validation drops
 * are chosen so that a 0.5-point limit and a 1-point limit offer different rows.
 */
async function projectWithRuns() {
  const project = await createProject(db, teamId);
  const experiment = await createExperiment(db, project.id, member, "wide-mlp");
  const january = await createRun(db, experiment.id, JANUARY);
  const janSafe = await createResultRow(db, january.id, {
    rowKey: "jan-safe",
    bytes: 400_000,
    validationAccuracyDrop: 0.2,
    testAccuracyDrop: 0.3,
  });
  const janSmall = await createResultRow(db, january.id, {
    rowKey: "jan-small",
    bytes: 200_000,
    validationAccuracyDrop: 0.9,
    testAccuracyDrop: 1.1,
  });
  await createResultRow(db, january.id, {
    rowKey: "jan-emptied",
    bytes: 0,
    status: "emptied-layer",
    validationAccuracyDrop: null,
  });
  const february = await createRun(db, experiment.id, FEBRUARY);
  const febSafe = await createResultRow(db, february.id, {
    rowKey: "feb-safe",
    bytes: 150_000,
    validationAccuracyDrop: 0.4,
    testAccuracyDrop: 0.45,
  });
  const march = await createRun(db, experiment.id, MARCH);
  await createResultRow(db, march.id, { rowKey: "mar-lossy", bytes: 90_000, validationAccuracyDrop: 2.5 });
  await createResultRow(db, march.id, { rowKey: "mar-lossier", bytes: 50_000, validationAccuracyDrop: 7 });
  // Neither a failed run nor a queued one has landed, whatever rows they hold.
  const failed = await db.run.create({
    data: { experimentId: experiment.id, status: "failed", finishedAt: MARCH },
    select: { id: true },
  });
  await createResultRow(db, failed.id, { rowKey: "failed-row", bytes: 10, validationAccuracyDrop: 0 });
  await db.run.create({ data: { experimentId: experiment.id, status: "queued" }, select: { id: true } });
  return { projectId: project.id, experiment, january, february, march, janSafe, janSmall, febSafe };
}

describe("the trade-off timeline", () => {
  it("explains nothing yet for a new project: no alias, no landed run", async () => {
    const project = await createProject(db, teamId);
    expect(await as(viewer).timeline({ projectId: project.id })).toEqual({
      maxValidationDropPoints: 0.5,
      aliases: [],
      landedRuns: [],
      eventsTruncated: false,
      runsTruncated: false,
      limits: { events: TIMELINE_MAX_EVENTS, runs: TIMELINE_MAX_RUNS },
    });
  });

  it("steps each alias through its promotions, moves and demotion with the numbers, person and note", async () => {
    const { projectId, january, february, janSafe, janSmall, febSafe } = await projectWithRuns();
    await as(member).promote({ projectId, alias: "edge", resultRowId: janSafe.id, note: "first that fits" });
    await as(admin).promote({ projectId, alias: "production", resultRowId: janSafe.id, note: "ship january" });
    await as(member).promote({ projectId, alias: "edge", resultRowId: febSafe.id, note: "february is smaller" });
    await as(admin).demote({ projectId, alias: "edge", note: "device program cancelled" });
    await as(member).promote({ projectId, alias: "production", resultRowId: janSmall.id, note: "accept 1 point" });

    const timeline = await as(viewer).timeline({ projectId });
    expect(timeline.aliases.map((alias) => [alias.alias, alias.assigned])).toEqual([
      ["edge", false],
      ["production", true],
    ]);
    const [edge, production] = timeline.aliases;
    expect(
      edge?.steps.map((step) => [step.action, step.row.rowKey, step.row.bytes, step.actor.name, step.note]),
    ).toEqual([
      ["promoted", "jan-safe", 400_000, "Mo Member", "first that fits"],
      ["moved", "feb-safe", 150_000, "Mo Member", "february is smaller"],
      ["demoted", "feb-safe", 150_000, "Ada Admin", "device program cancelled"],
    ]);
    expect(edge?.steps[1]?.row).toEqual({
      resultRowId: febSafe.id,
      runId: february.id,
      rowKey: "feb-safe",
      experimentId: expect.any(String),
      experimentName: "wide-mlp",
      bytes: 150_000,
      parameters: 37_500,
      validationAccuracy: 0.975,
      testAccuracy: 0.98 - 0.45 / 100,
      validationAccuracyDrop: 0.4,
      testAccuracyDrop: 0.45,
    });
    // The demotion names the row the alias left.
    expect(edge?.steps[2]?.row.resultRowId).toBe(febSafe.id);
    expect(production?.steps.map((step) => [step.action, step.row.runId, step.row.rowKey])).toEqual([
      ["promoted", january.id, "jan-safe"],
      ["moved", january.id, "jan-small"],
    ]);
    const times = timeline.aliases.flatMap((alias) => alias.steps.map((step) => step.at.getTime()));
    expect(new Set(times).size).toBe(5);
    for (const alias of timeline.aliases) {
      const own = alias.steps.map((step) => step.at.getTime());
      expect(own).toEqual([...own].sort((a, b) => a - b));
    }
  });

  it("lists every succeeded run oldest first with the smallest row within the chosen validation drop", async () => {
    const { projectId, january, february, march, janSafe, janSmall, febSafe } = await projectWithRuns();

    const strict = await as(viewer).timeline({ projectId });
    expect(strict.landedRuns.map((run) => [run.runId, run.finishedAt.toISOString(), run.measuredRows])).toEqual([
      [january.id, JANUARY.toISOString(), 2],
      [february.id, FEBRUARY.toISOString(), 1],
      [march.id, MARCH.toISOString(), 2],
    ]);
    const offers = (timeline: typeof strict) =>
      timeline.landedRuns.map((run) =>
        run.offered.kind === "within-drop" ? run.offered.row.resultRowId : run.offered,
      );
    expect(offers(strict)).toEqual([janSafe.id, febSafe.id, { kind: "none-within-drop", smallestDropPoints: 2.5 }]);
    expect(strict.landedRuns[0]?.offered).toMatchObject({
      kind: "within-drop",
      row: { rowKey: "jan-safe", bytes: 400_000, experimentName: "wide-mlp", validationAccuracyDrop: 0.2 },
    });

    // Accepting a whole point offers January's smaller row; three points reach March's.
    expect(offers(await as(viewer).timeline({ projectId, maxValidationDropPoints: 1 }))).toEqual([
      janSmall.id,
      febSafe.id,
      { kind: "none-within-drop", smallestDropPoints: 2.5 },
    ]);
    const loose = await as(viewer).timeline({ projectId, maxValidationDropPoints: 3 });
    expect(loose.maxValidationDropPoints).toBe(3);
    expect(loose.landedRuns[2]?.offered).toMatchObject({ kind: "within-drop", row: { rowKey: "mar-lossy" } });
  });

  it("says when a landed run has no measured row, and keeps a step's numbers after its run is deleted", async () => {
    const { projectId, experiment, january, janSafe } = await projectWithRuns();
    const emptied = await createRun(db, experiment.id, new Date("2026-04-01T00:00:00Z"));
    await createResultRow(db, emptied.id, { bytes: 0, status: "emptied-layer", validationAccuracyDrop: null });
    await as(member).promote({ projectId, alias: "edge", resultRowId: janSafe.id, note: "january" });

    await db.run.delete({ where: { id: january.id } });
    const timeline = await as(viewer).timeline({ projectId });
    expect(timeline.landedRuns.at(-1)).toMatchObject({
      runId: emptied.id,
      measuredRows: 0,
      offered: { kind: "no-measured-rows" },
    });
    expect(timeline.landedRuns.map((run) => run.runId)).not.toContain(january.id);
    expect(timeline.aliases[0]?.steps[0]?.row).toMatchObject({
      resultRowId: null,
      runId: january.id,
      rowKey: "jan-safe",
      bytes: 400_000,
    });
  });

  it("keeps the newest changes and runs past its limits, and says so", async () => {
    const project = await createProject(db, teamId);
    const experiment = await createExperiment(db, project.id, member);
    const start = Date.parse("2025-01-01T00:00:00Z");
    await db.run.createMany({
      data: Array.from({ length: TIMELINE_MAX_RUNS + 2 }, (_, i) => ({
        experimentId: experiment.id,
        status: "succeeded",
        seed: i,
        queuedAt: new Date(start + i * 60_000),
        finishedAt: new Date(start + i * 60_000),
      })),
    });
    const snapshot = JSON.stringify({
      runId: "gone",
      rowKey: "r",
      experimentId: experiment.id,
      experimentName: "x",
      bytes: 1,
      parameters: 1,
      validationAccuracy: 0.9,
      testAccuracy: 0.9,
      validationAccuracyDrop: 0,
      testAccuracyDrop: 0,
    });
    await db.candidateEvent.createMany({
      data: Array.from({ length: TIMELINE_MAX_EVENTS + 3 }, (_, i) => ({
        projectId: project.id,
        alias: "edge",
        action: i === 0 ? "promoted" : "moved",
        note: `change ${i}`,
        snapshot,
        actorId: member.userId,
        createdAt: new Date(start + i * 1000),
      })),
    });

    const timeline = await as(viewer).timeline({ projectId: project.id });
    expect(timeline.runsTruncated).toBe(true);
    expect(timeline.eventsTruncated).toBe(true);
    expect(timeline.landedRuns).toHaveLength(TIMELINE_MAX_RUNS);
    expect(timeline.landedRuns.map((run) => run.seed).slice(0, 2)).toEqual([2, 3]);
    expect(timeline.landedRuns.at(-1)?.seed).toBe(TIMELINE_MAX_RUNS + 1);
    const steps = timeline.aliases[0]?.steps ?? [];
    expect(steps).toHaveLength(TIMELINE_MAX_EVENTS);
    expect([steps[0]?.note, steps.at(-1)?.note]).toEqual(["change 3", `change ${TIMELINE_MAX_EVENTS + 2}`]);
  });

  it("is readable by viewers only within the team: a stranger gets NOT_FOUND, a bad limit names its field", async () => {
    const { projectId } = await projectWithRuns();
    await expectTrpcError(as(outsider).timeline({ projectId }), "NOT_FOUND", /does not exist/);
    await expectTrpcError(as(viewer).timeline({ projectId: "missing-project" }), "NOT_FOUND", /does not exist/);
    await expectInvalidInput(
      as(viewer).timeline({ projectId, maxValidationDropPoints: 101 }),
      "maxValidationDropPoints",
    );
    expect((await as(viewer).timeline({ projectId })).landedRuns).toHaveLength(3);
  });
});
