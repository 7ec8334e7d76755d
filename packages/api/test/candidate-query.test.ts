import { beforeAll, describe, expect, it } from "vitest";
import type { Actor, UserActor } from "../src/access/actor.js";
import { candidateRouter } from "../src/routers/candidate-router.js";
import { createCallerFactory, router } from "../src/trpc/trpc.js";
import { expectInvalidInput, expectTrpcError } from "./expect-trpc-error.js";
import { createPerson, createTeam } from "./people.js";
import { createExperiment, createProject, createResultRow, createRun } from "./result-fixtures.js";
import { createTestDatabase } from "./test-database.js";

const { store, db } = await createTestDatabase();
const callerFor = createCallerFactory(router({ candidate: candidateRouter }));
const as = (actor: Actor) => callerFor({ store, actor }).candidate;

let owner: UserActor;
let viewer: UserActor;
let outsider: UserActor;
let teamId: string;

beforeAll(async () => {
  owner = await createPerson(db, "Olga Owner");
  viewer = await createPerson(db, "Vic Viewer");
  outsider = await createPerson(db, "Otto Outsider");
  teamId = (
    await createTeam(db, "Edge team", [
      [owner, "owner"],
      [viewer, "viewer"],
    ])
  ).id;
  await createTeam(db, "Other team", [[outsider, "owner"]]);
});

/** A fresh project with one experiment and one run, so each test sees only its own rows. */
async function freshRun(queuedAt?: Date) {
  const project = await createProject(db, teamId);
  const experiment = await createExperiment(db, project.id, owner);
  const run = await createRun(db, experiment.id, queuedAt);
  return { projectId: project.id, experimentId: experiment.id, runId: run.id };
}

describe("candidate.findSmallest", () => {
  it("answers the row with the fewest bytes whose test-accuracy drop is within the limit", async () => {
    const { projectId, runId } = await freshRun();
    await createResultRow(db, runId, { bytes: 1_000, testAccuracyDrop: 2.0 });
    const fits = await createResultRow(db, runId, { rowKey: "mean0.1-std0.4", bytes: 2_000, testAccuracyDrop: 0.4 });
    await createResultRow(db, runId, { bytes: 3_000, testAccuracyDrop: 0.1 });
    await createResultRow(db, runId, { bytes: 1_500, testAccuracyDrop: 0.6 });

    const answer = await as(viewer).findSmallest({ projectId, maxTestAccuracyDrop: 0.5 });

    expect(answer.candidate).toMatchObject({ resultRowId: fits.id, rowKey: "mean0.1-std0.4", bytes: 2_000, runId });
    expect(answer.candidate?.experimentName).toBe("wide-mlp");
    expect(answer.candidate?.keptNeurons).toEqual([300, 200, 100]);
    expect(answer).toMatchObject({ explanation: null, closest: null, consideredRows: 4 });
  });

  it("respects a byte limit and a parameter limit, which can disagree with the byte order", async () => {
    const { projectId, runId } = await freshRun();
    // Same drop; the smaller file has more parameters (e.g. an architecture with less overhead).
    const fewerBytes = await createResultRow(db, runId, { bytes: 1_000, parameters: 300, testAccuracyDrop: 0.2 });
    const fewerParameters = await createResultRow(db, runId, { bytes: 1_100, parameters: 200, testAccuracyDrop: 0.2 });
    await createResultRow(db, runId, { bytes: 900, parameters: 150, testAccuracyDrop: 3 });

    const byBytes = await as(owner).findSmallest({ projectId, maxTestAccuracyDrop: 0.5, maxBytes: 1_050 });
    expect(byBytes.candidate?.resultRowId).toBe(fewerBytes.id);

    const byParameters = await as(owner).findSmallest({ projectId, maxTestAccuracyDrop: 0.5, maxParameters: 250 });
    expect(byParameters.candidate?.resultRowId).toBe(fewerParameters.id);

    const both = await as(owner).findSmallest({
      projectId,
      maxTestAccuracyDrop: 0.5,
      maxBytes: 1_000,
      maxParameters: 250,
    });
    expect(both.candidate).toBeNull();
  });

  it("breaks a tie in bytes by higher test accuracy, then by the older run", async () => {
    const { projectId, experimentId, runId: newerRun } = await freshRun(new Date("2026-03-02T00:00:00Z"));
    const olderRun = await createRun(db, experimentId, new Date("2026-03-01T00:00:00Z"));
    await createResultRow(db, newerRun, { bytes: 500, testAccuracyDrop: 0.3, testAccuracy: 0.977 });
    const newerMoreAccurate = await createResultRow(db, newerRun, {
      bytes: 500,
      testAccuracyDrop: 0.2,
      testAccuracy: 0.978,
    });
    expect((await as(owner).findSmallest({ projectId, maxTestAccuracyDrop: 1 })).candidate?.resultRowId).toBe(
      newerMoreAccurate.id,
    );

    // Same bytes and accuracy, created later but from the run queued first: the older one wins.
    const olderEqual = await createResultRow(db, olderRun.id, {
      bytes: 500,
      testAccuracyDrop: 0.2,
      testAccuracy: 0.978,
    });
    expect((await as(owner).findSmallest({ projectId, maxTestAccuracyDrop: 1 })).candidate?.resultRowId).toBe(
      olderEqual.id,
    );
  });

  it("admits a drop that equals the limit up to floating-point noise", async () => {
    const { projectId, runId } = await freshRun();
    // 100 * (0.9812 - 0.9762) in floating point: a drop a person reads as 0.5.
    const row = await createResultRow(db, runId, { bytes: 700, testAccuracyDrop: 100 * (0.9812 - 0.9762) });
    expect(100 * (0.9812 - 0.9762)).toBeGreaterThan(0.5);
    const answer = await as(owner).findSmallest({ projectId, maxTestAccuracyDrop: 0.5 });
    expect(answer.candidate?.resultRowId).toBe(row.id);
  });

  it("ignores rows without a model, rows without a test accuracy, and rows of other projects", async () => {
    const { projectId, runId } = await freshRun();
    const other = await freshRun();
    await createResultRow(db, runId, { bytes: 10, status: "emptied-layer", testAccuracyDrop: null });
    await createResultRow(db, runId, { bytes: 20, testAccuracyDrop: null });
    await createResultRow(db, other.runId, { bytes: 30, testAccuracyDrop: 0 });
    const real = await createResultRow(db, runId, { bytes: 4_000, testAccuracyDrop: 0.1 });

    const answer = await as(owner).findSmallest({ projectId, maxTestAccuracyDrop: 0.5 });
    expect(answer.candidate?.resultRowId).toBe(real.id);
    expect(answer.consideredRows).toBe(1);
  });

  describe("when nothing fits", () => {
    it("names the most accurate row within the size limits and how far its drop is over", async () => {
      const { projectId, runId } = await freshRun();
      await createResultRow(db, runId, { bytes: 1_000, testAccuracyDrop: 2.0 });
      const closest = await createResultRow(db, runId, {
        rowKey: "mean0.2-std0.4",
        bytes: 1_500,
        testAccuracyDrop: 0.6,
      });
      await createResultRow(db, runId, { bytes: 2_000, testAccuracyDrop: 0.4 });

      const answer = await as(owner).findSmallest({ projectId, maxTestAccuracyDrop: 0.5, maxBytes: 1_800 });

      expect(answer.candidate).toBeNull();
      expect(answer.closest?.row.resultRowId).toBe(closest.id);
      expect(answer.closest?.misses).toHaveLength(1);
      expect(answer.closest?.misses[0]).toMatchObject({ constraint: "maxTestAccuracyDrop", limit: 0.5, actual: 0.6 });
      expect(answer.closest?.misses[0]?.excess).toBeCloseTo(0.1, 9);
      expect(answer.explanation).toContain("none of the 3 result rows");
      expect(answer.explanation).toContain('closest: row "mean0.2-std0.4"');
      expect(answer.explanation).toContain("misses maxTestAccuracyDrop by 0.1 points");
    });

    it("names the smallest row within the accuracy limit when no row fits the size limits", async () => {
      const { projectId, runId } = await freshRun();
      await createResultRow(db, runId, { bytes: 1_200, testAccuracyDrop: 4 });
      const closest = await createResultRow(db, runId, { bytes: 1_300, parameters: 260, testAccuracyDrop: 0.3 });
      await createResultRow(db, runId, { bytes: 5_000, testAccuracyDrop: 0 });

      const answer = await as(owner).findSmallest({
        projectId,
        maxTestAccuracyDrop: 0.5,
        maxBytes: 1_000,
        maxParameters: 250,
      });

      expect(answer.closest?.row.resultRowId).toBe(closest.id);
      expect(answer.closest?.misses).toEqual([
        { constraint: "maxBytes", limit: 1_000, actual: 1_300, excess: 300 },
        { constraint: "maxParameters", limit: 250, actual: 260, excess: 10 },
      ]);
      expect(answer.explanation).toContain("misses maxBytes by 300 bytes and maxParameters by 10 parameters");
    });

    it("names the most accurate row of all when no row meets either limit", async () => {
      const { projectId, runId } = await freshRun();
      await createResultRow(db, runId, { bytes: 2_000, testAccuracyDrop: 3 });
      const closest = await createResultRow(db, runId, { bytes: 3_000, testAccuracyDrop: 1 });

      const answer = await as(owner).findSmallest({ projectId, maxTestAccuracyDrop: 0.5, maxBytes: 1_000 });

      expect(answer.closest?.row.resultRowId).toBe(closest.id);
      expect(answer.closest?.misses.map((miss) => miss.constraint)).toEqual(["maxTestAccuracyDrop", "maxBytes"]);
    });

    it("says the project has no usable rows yet", async () => {
      const { projectId, runId } = await freshRun();
      await createResultRow(db, runId, { bytes: 10, status: "emptied-layer", testAccuracyDrop: null });
      const answer = await as(owner).findSmallest({ projectId, maxTestAccuracyDrop: 0.5 });
      expect(answer).toMatchObject({ candidate: null, closest: null, consideredRows: 0 });
      expect(answer.explanation).toMatch(/has no result rows with status "ok".*record a run's results first/);
    });
  });

  it("answers another team's project exactly like a missing one, and refuses anonymous callers", async () => {
    const { projectId } = await freshRun();
    const foreign = await expectTrpcError(
      as(outsider).findSmallest({ projectId, maxTestAccuracyDrop: 1 }),
      "NOT_FOUND",
    );
    const missing = await expectTrpcError(
      as(outsider).findSmallest({ projectId: "no-such-project", maxTestAccuracyDrop: 1 }),
      "NOT_FOUND",
    );
    expect(foreign.message).toBe(`project ${projectId} does not exist`);
    expect(missing.message).toBe("project no-such-project does not exist");
    await expectTrpcError(
      as({ kind: "anonymous" }).findSmallest({ projectId, maxTestAccuracyDrop: 1 }),
      "UNAUTHORIZED",
    );
  });

  it("rejects bad constraints naming the field", async () => {
    const { projectId } = await freshRun();
    const call = (input: Record<string, unknown>) =>
      // biome-ignore lint/suspicious/noExplicitAny: deliberately malformed input
      as(owner).findSmallest({ projectId, maxTestAccuracyDrop: 0.5, ...input } as any);
    await expectInvalidInput(call({ maxTestAccuracyDrop: Number.NaN }), "maxTestAccuracyDrop");
    await expectInvalidInput(call({ maxTestAccuracyDrop: "0.5" }), "maxTestAccuracyDrop");
    await expectInvalidInput(call({ maxTestAccuracyDrop: 101 }), "maxTestAccuracyDrop");
    await expectInvalidInput(call({ maxBytes: 0 }), "maxBytes");
    await expectInvalidInput(call({ maxBytes: 10.5 }), "maxBytes");
    await expectInvalidInput(call({ maxParameters: -3 }), "maxParameters");
    await expectInvalidInput(call({ projectId: "" }), "projectId");
  });
});
