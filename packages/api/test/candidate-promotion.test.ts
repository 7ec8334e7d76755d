import { beforeAll, describe, expect, it } from "vitest";
import type { Actor, UserActor } from "../src/access/actor.js";
import { candidateRouter } from "../src/routers/candidate-router.js";
import { createCallerFactory, router } from "../src/trpc/trpc.js";
import { expectFieldError, expectInvalidInput, expectTrpcError } from "./expect-trpc-error.js";
import { createPerson, createTeam } from "./people.js";
import { createExperiment, createProject, createResultRow, createRun } from "./result-fixtures.js";
import { createTestDatabase } from "./test-database.js";

const { store, db } = await createTestDatabase();
const callerFor = createCallerFactory(router({ candidate: candidateRouter }));
const as = (actor: Actor) => callerFor({ store, actor }).candidate;

let admin: UserActor;
let member: UserActor;
let viewer: UserActor;
let outsider: UserActor;
let teamId: string;
let outsiderTeamId: string;

beforeAll(async () => {
  admin = await createPerson(db, "Ada Admin");
  member = await createPerson(db, "Mo Member");
  viewer = await createPerson(db, "Vic Viewer");
  outsider = await createPerson(db, "Otto Outsider");
  teamId = (
    await createTeam(db, "Edge team", [
      [admin, "admin"],
      [member, "member"],
      [viewer, "viewer"],
    ])
  ).id;
  outsiderTeamId = (await createTeam(db, "Other team", [[outsider, "owner"]])).id;
});

async function projectWithRows(team = teamId, creator: UserActor = admin) {
  const project = await createProject(db, team);
  const experiment = await createExperiment(db, project.id, creator, "wide-mlp");
  const run = await createRun(db, experiment.id);
  const small = await createResultRow(db, run.id, {
    rowKey: "mean0.2-std0.4",
    threshold: { kind: "meanStd", mean: 0.2, std: 0.4 },
    keptNeurons: [120, 80, 40],
    bytes: 120_000,
    parameters: 30_000,
    testAccuracyDrop: 0.8,
  });
  const medium = await createResultRow(db, run.id, {
    rowKey: "mean0.1-std0.4",
    threshold: { kind: "meanStd", mean: 0.1, std: 0.4 },
    keptNeurons: [200, 150, 90],
    bytes: 240_000,
    parameters: 60_000,
    testAccuracyDrop: 0.3,
  });
  const emptied = await createResultRow(db, run.id, { bytes: 0, status: "emptied-layer", testAccuracyDrop: null });
  return { projectId: project.id, runId: run.id, small, medium, emptied };
}

describe("candidate promotion, moves and demotion", () => {
  it("keeps every assignment of an alias in history, newest first, with who, why and the numbers", async () => {
    const { projectId, runId, small, medium } = await projectWithRows();

    const first = await as(member).promote({
      projectId,
      alias: "edge-v2",
      resultRowId: medium.id,
      note: "  fits the 256 KB budget with 0.3 points lost  ",
    });
    expect(first.event).toMatchObject({
      action: "promoted",
      resultRowId: medium.id,
      previousResultRowId: null,
      note: "fits the 256 KB budget with 0.3 points lost",
      actor: { id: member.userId, name: "Mo Member" },
    });
    expect(first.candidate).toMatchObject({ alias: "edge-v2", promotedBy: { id: member.userId } });

    const moved = await as(admin).promote({
      projectId,
      alias: "edge-v2",
      resultRowId: small.id,
      note: "the device budget shrank to 128 KB",
    });
    expect(moved.event).toMatchObject({ action: "moved", resultRowId: small.id, previousResultRowId: medium.id });

    const demoted = await as(member).demote({ projectId, alias: "edge-v2", note: "0.8 points is too much after all" });
    expect(demoted).toMatchObject({ action: "demoted", resultRowId: null, previousResultRowId: small.id });

    const history = await as(viewer).history({ projectId });
    expect(history.nextCursor).toBeNull();
    expect(history.items.map((event) => [event.action, event.actor.name, event.note])).toEqual([
      ["demoted", "Mo Member", "0.8 points is too much after all"],
      ["moved", "Ada Admin", "the device budget shrank to 128 KB"],
      ["promoted", "Mo Member", "fits the 256 KB budget with 0.3 points lost"],
    ]);
    // Each event's snapshot holds the numbers of the row it concerned at that moment.
    const [demotion, move, promotion] = history.items;
    expect(promotion?.snapshot).toEqual({
      resultRowId: medium.id,
      runId,
      experimentId: expect.any(String),
      experimentName: "wide-mlp",
      rowKey: "mean0.1-std0.4",
      threshold: { kind: "meanStd", mean: 0.1, std: 0.4 },
      keptNeurons: [200, 150, 90],
      keptNeuronTotal: 440,
      parameters: 60_000,
      bytes: 240_000,
      validationAccuracy: 0.975,
      testAccuracy: 0.98 - 0.3 / 100,
      validationAccuracyDrop: 0.4,
      testAccuracyDrop: 0.3,
      parameterReductionPercent: 50,
      neuronReductionPercent: 40,
      pareto: false,
    });
    expect(move?.snapshot).toMatchObject({ resultRowId: small.id, bytes: 120_000, keptNeurons: [120, 80, 40] });
    expect(demotion?.snapshot).toMatchObject({ resultRowId: small.id, testAccuracyDrop: 0.8 });
    expect(await as(viewer).list({ projectId })).toEqual([]);
  });

  it("keeps the snapshot after the row itself is gone", async () => {
    const { projectId, runId, medium } = await projectWithRows();
    await as(member).promote({ projectId, alias: "edge", resultRowId: medium.id, note: "smallest within budget" });
    await db.run.delete({ where: { id: runId } });

    const [event] = (await as(viewer).history({ projectId })).items;
    expect(event).toMatchObject({ action: "promoted", resultRowId: null, note: "smallest within budget" });
    expect(event?.snapshot).toMatchObject({ resultRowId: medium.id, bytes: 240_000, testAccuracyDrop: 0.3 });
    // The candidate row goes with its result row; the history stays.
    expect(await as(viewer).list({ projectId })).toEqual([]);
  });

  it("lists the current candidates by alias with their numbers and who assigned them", async () => {
    const { projectId, small, medium } = await projectWithRows();
    await as(member).promote({ projectId, alias: "phone", resultRowId: medium.id, note: "phones have room" });
    await as(member).promote({ projectId, alias: "edge-v2", resultRowId: medium.id, note: "first pick" });
    await as(admin).promote({ projectId, alias: "edge-v2", resultRowId: small.id, note: "smaller budget" });

    const candidates = await as(viewer).list({ projectId });
    expect(
      candidates.map((c) => [c.alias, c.tradeOff.resultRowId, c.note, c.promotedBy?.name, c.tradeOff.bytes]),
    ).toEqual([
      ["edge-v2", small.id, "smaller budget", "Ada Admin", 120_000],
      ["phone", medium.id, "phones have room", "Mo Member", 240_000],
    ]);
  });

  it("pages the history newest first and filters it by alias", async () => {
    const { projectId, small, medium } = await projectWithRows();
    const rows = [medium.id, small.id, medium.id, small.id, medium.id];
    for (const [i, resultRowId] of rows.entries()) {
      await as(member).promote({ projectId, alias: "edge", resultRowId, note: `change ${i}` });
    }
    await as(member).promote({ projectId, alias: "server", resultRowId: medium.id, note: "server pick" });

    const notes: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await as(viewer).history({ projectId, alias: "edge", limit: 2, ...(cursor ? { cursor } : {}) });
      notes.push(...page.items.map((event) => event.note));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(notes).toEqual(["change 4", "change 3", "change 2", "change 1", "change 0"]);
    const everything = await as(viewer).history({ projectId, limit: 100 });
    expect(everything.items.map((event) => event.note)[0]).toBe("server pick");
    expect(everything.items).toHaveLength(6);
  });

  it("audits every promotion, move and demotion in the same change", async () => {
    const { projectId, small, medium } = await projectWithRows();
    const { candidate } = await as(member).promote({ projectId, alias: "audited", resultRowId: medium.id, note: "a" });
    await as(member).promote({ projectId, alias: "audited", resultRowId: small.id, note: "b" });
    await as(member).demote({ projectId, alias: "audited", note: "c" });

    const entries = await db.auditEntry.findMany({
      where: { targetType: "candidate", targetId: candidate.id },
      orderBy: { createdAt: "asc" },
      select: { action: true, teamId: true, actorUserId: true, details: true },
    });
    expect(entries.map((entry) => entry.action)).toEqual(["candidate.promote", "candidate.move", "candidate.demote"]);
    expect(entries.every((entry) => entry.teamId === teamId && entry.actorUserId === member.userId)).toBe(true);
    expect(JSON.parse(entries[1]?.details ?? "{}")).toMatchObject({
      alias: "audited",
      resultRowId: small.id,
      previousResultRowId: medium.id,
      note: "b",
    });
  });
});

describe("who may change candidates", () => {
  it("lets viewers read but not promote or demote", async () => {
    const { projectId, medium } = await projectWithRows();
    await expectTrpcError(
      as(viewer).promote({ projectId, alias: "edge", resultRowId: medium.id, note: "x" }),
      "FORBIDDEN",
      /needs the member role/,
    );
    await as(member).promote({ projectId, alias: "edge", resultRowId: medium.id, note: "x" });
    await expectTrpcError(as(viewer).demote({ projectId, alias: "edge", note: "x" }), "FORBIDDEN");
    expect(await as(viewer).list({ projectId })).toHaveLength(1);
    expect(await db.candidateEvent.count({ where: { projectId } })).toBe(1);
  });

  it("shows another team's candidates, rows and history to nobody outside it", async () => {
    const { projectId, medium } = await projectWithRows();
    await as(member).promote({ projectId, alias: "edge", resultRowId: medium.id, note: "ours" });
    const mine = await projectWithRows(outsiderTeamId, outsider);

    const notFound = /does not exist/;
    await expectTrpcError(as(outsider).list({ projectId }), "NOT_FOUND", notFound);
    await expectTrpcError(as(outsider).history({ projectId }), "NOT_FOUND", notFound);
    await expectTrpcError(as(outsider).findSmallest({ projectId, maxTestAccuracyDrop: 1 }), "NOT_FOUND", notFound);
    await expectTrpcError(
      as(outsider).promote({ projectId, alias: "edge", resultRowId: medium.id, note: "mine now" }),
      "NOT_FOUND",
      notFound,
    );
    await expectTrpcError(as(outsider).demote({ projectId, alias: "edge", note: "gone" }), "NOT_FOUND", notFound);
    // Their own project, our row: the row does not exist for them.
    const foreignRow = await expectTrpcError(
      as(outsider).promote({ projectId: mine.projectId, alias: "edge", resultRowId: medium.id, note: "steal" }),
      "NOT_FOUND",
    );
    expect(foreignRow.message).toBe(`result row ${medium.id} does not exist`);
    const missingRow = await expectTrpcError(
      as(outsider).promote({ projectId: mine.projectId, alias: "edge", resultRowId: "missing-row", note: "x" }),
      "NOT_FOUND",
    );
    expect(missingRow.message).toBe("result row missing-row does not exist");

    expect((await as(viewer).list({ projectId })).map((c) => c.note)).toEqual(["ours"]);
    expect(await db.candidateEvent.count({ where: { projectId: mine.projectId } })).toBe(0);
  });

  it("refuses anonymous callers and worker tokens", async () => {
    const { projectId, medium } = await projectWithRows();
    await expectTrpcError(as({ kind: "anonymous" }).list({ projectId }), "UNAUTHORIZED");
    const worker: Actor = { kind: "worker", tokenId: "t", teamId, tokenName: "gpu-box" };
    await expectTrpcError(
      as(worker).promote({ projectId, alias: "edge", resultRowId: medium.id, note: "x" }),
      "FORBIDDEN",
    );
  });
});

describe("bad input to candidate changes", () => {
  it("validates the alias pattern", async () => {
    const { projectId, medium } = await projectWithRows();
    for (const alias of ["", "Edge-V2", "edge v2", "-edge", "edge-", "edge/v2", "a".repeat(65), "édge"]) {
      await expectInvalidInput(as(member).promote({ projectId, alias, resultRowId: medium.id, note: "x" }), "alias");
    }
    for (const alias of ["e", "edge-v2", "phone.2026-q1", "a_b", "a".repeat(64)]) {
      await as(member).promote({ projectId, alias, resultRowId: medium.id, note: "valid alias" });
    }
    await expectInvalidInput(as(member).demote({ projectId, alias: "Edge", note: "x" }), "alias");
    await expectInvalidInput(as(viewer).history({ projectId, alias: "no spaces" }), "alias");
  });

  it("requires a note saying why, and sane ids and page sizes", async () => {
    const { projectId, medium } = await projectWithRows();
    await expectInvalidInput(
      as(member).promote({ projectId, alias: "edge", resultRowId: medium.id, note: "  " }),
      "note",
    );
    await expectInvalidInput(
      as(member).promote({ projectId, alias: "edge", resultRowId: medium.id, note: "x".repeat(2001) }),
      "note",
    );
    await expectInvalidInput(
      as(member).promote({ projectId, alias: "edge", resultRowId: "", note: "x" }),
      "resultRowId",
    );
    await expectInvalidInput(
      as(member).promote({ projectId: "", alias: "edge", resultRowId: medium.id, note: "x" }),
      "projectId",
    );
    // biome-ignore lint/suspicious/noExplicitAny: deliberately missing field
    await expectInvalidInput(as(member).demote({ projectId, alias: "edge" } as any), "note");
    await expectInvalidInput(as(viewer).history({ projectId, limit: 0 }), "limit");
    await expectInvalidInput(as(viewer).history({ projectId, limit: 101 }), "limit");
    expect(await db.candidateEvent.count({ where: { projectId } })).toBe(0);
  });

  it("refuses rows of another project, rows without a model, a no-op promotion and an unknown alias", async () => {
    const { projectId, medium, emptied } = await projectWithRows();
    const sibling = await projectWithRows();

    await expectFieldError(
      as(member).promote({ projectId, alias: "edge", resultRowId: sibling.medium.id, note: "x" }),
      "BAD_REQUEST",
      "resultRowId",
      /belongs to another project/,
    );
    await expectFieldError(
      as(member).promote({ projectId, alias: "edge", resultRowId: emptied.id, note: "x" }),
      "BAD_REQUEST",
      "resultRowId",
      /status "emptied-layer": it has no model to deploy/,
    );
    await as(member).promote({ projectId, alias: "edge", resultRowId: medium.id, note: "first" });
    await expectFieldError(
      as(member).promote({ projectId, alias: "edge", resultRowId: medium.id, note: "again" }),
      "CONFLICT",
      "alias",
      /already points at result row/,
    );
    await expectFieldError(
      as(member).demote({ projectId, alias: "nope", note: "x" }),
      "NOT_FOUND",
      "alias",
      /has no candidate "nope"/,
    );
    expect(await db.candidateEvent.count({ where: { projectId } })).toBe(1);
    expect(await db.auditEntry.count({ where: { targetType: "candidate", details: { contains: projectId } } })).toBe(1);
  });
});
