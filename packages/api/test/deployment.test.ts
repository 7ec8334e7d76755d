import type { RecordDeploymentInput, RowBundle } from "@deadweight/protocol";
import { describe, expect, it } from "vitest";
import { expectInvalidInput, expectTrpcError } from "./expect-trpc-error.js";
import { createQueueTeam, queueRuns } from "./queue-fixtures.js";
import { createTestDatabase } from "./test-database.js";
import { runResultsFixture } from "./tracking-fixtures.js";

const { store, db } = await createTestDatabase();

const SHA = "a".repeat(64);
const verification = {
  correct: 90,
  samples: 100,
  accuracy: 0.9,
  toleranceSamples: 0,
  backend: "wasm",
  tfjsVersion: "4.22.0",
  seconds: 0.4,
};

/** A bundle of the fixture's rows: base validation accuracy is 0.96 (runResultsFixture). */
function bundle(dtype: RowBundle["dtype"], bytes: number, validationAccuracy: number, exported = true): RowBundle {
  return {
    weights: "one-shot",
    dtype,
    bytes,
    testAccuracy: validationAccuracy - 0.01,
    testCorrect: Math.round((validationAccuracy - 0.01) * 100),
    testSamples: 100,
    validationAccuracy,
    exported: exported
      ? {
          files: [
            { name: `bundles/mid/one-shot/${dtype}/model.json`, bytes: 100, sha256: SHA },
            { name: `bundles/mid/one-shot/${dtype}/weights.bin`, bytes: bytes - 100, sha256: SHA },
          ],
          verification,
        }
      : null,
  };
}

async function heldRunWithResults(name: string) {
  const team = await createQueueTeam(store, name);
  await queueRuns(store, team, 1);
  const claim = await team.worker.worker.claim({ workerName: "w" });
  const held = { runId: claim!.run.id, attempt: claim!.run.attempt };
  await team.worker.worker.recordResults({ ...held, results: runResultsFixture() });
  return { team, held };
}

function deploymentOf(held: { runId: string; attempt: number }): RecordDeploymentInput {
  return {
    ...held,
    rows: [
      {
        rowKey: "mid",
        recovery: {
          epochs: 1,
          validationAccuracy: 0.955,
          testAccuracy: 0.945,
          validationAccuracyDrop: 0.5,
          testAccuracyDrop: 0.5,
          seconds: 1.5,
          costRelativeToBaseTraining: 0.12,
        },
        bundles: [bundle("float32", 900, 0.93), bundle("float16", 500, 0.93), bundle("uint8", 300, 0.925)],
      },
      { rowKey: "small", recovery: null, bundles: [bundle("uint8", 150, 0.8, false)] },
    ],
    deployment: {
      basis: "budget",
      budget: { maxBytes: 600, maxAccuracyDropPoints: 4 },
      answer: { fits: true, explanation: "float16 fits" },
      chosen: { rowKey: "mid", weights: "one-shot" },
      modelCard: { candidateId: "mid" },
      note: null,
    },
  };
}

describe("worker.recordDeployment", () => {
  it("stores each row's bundles and recovery and the run's answer, idempotently, for people to read", async () => {
    const { team, held } = await heldRunWithResults("Deploy");
    const input = deploymentOf(held);
    expect(await team.worker.worker.recordDeployment(input)).toEqual({ rowsUpdated: 2 });
    expect(await team.worker.worker.recordDeployment(input)).toEqual({ rowsUpdated: 2 });

    const { rows } = await team.viewer.result.rows({ runId: held.runId });
    const mid = rows.find((row) => row.rowKey === "mid")!;
    expect(mid.bundles.map((entry) => [entry.dtype, entry.bytes])).toEqual([
      ["float32", 900],
      ["float16", 500],
      ["uint8", 300],
    ]);
    expect(mid.recovery?.testAccuracy).toBe(0.945);
    expect(rows.find((row) => row.rowKey === "full")!.bundles).toEqual([]);
    expect((await team.viewer.run.get({ runId: held.runId })).deployment).toEqual(input.deployment);
  });

  it("refuses rows the run does not have, a chosen row not reported, and bad numbers, writing nothing", async () => {
    const { team, held } = await heldRunWithResults("DeployBad");
    const good = deploymentOf(held);
    await expectTrpcError(
      team.worker.worker.recordDeployment({ ...good, rows: [{ rowKey: "nope", recovery: null, bundles: [] }] }),
      "BAD_REQUEST",
      /has no result row "nope"; record the sweep's results first/,
    );
    await expectTrpcError(
      team.worker.worker.recordDeployment({ ...good, rows: [good.rows[1]!] }),
      "BAD_REQUEST",
      /deployment\.chosen\.rowKey: "mid" is not among the reported rows/,
    );
    await expectInvalidInput(
      team.worker.worker.recordDeployment({
        ...good,
        rows: [{ rowKey: "mid", recovery: null, bundles: [{ ...bundle("uint8", 1, 0.9), testAccuracy: 1.5 }] }],
      }),
      "rows.0.bundles.0.testAccuracy",
    );
    expect((await team.viewer.run.get({ runId: held.runId })).deployment).toBeNull();
    // A person cannot report for a worker.
    await expectTrpcError(team.member.worker.recordDeployment(good), "FORBIDDEN");
  });
});

describe("candidate.fitBudget", () => {
  it("answers with the most accurate exported bundle that fits, with its files, or the closest and what it misses", async () => {
    const { team, held } = await heldRunWithResults("Budget");
    await team.worker.worker.recordDeployment(deploymentOf(held));
    const projectId = team.project.id;

    const fits = await team.viewer.candidate.fitBudget({ projectId, maxBytes: 600, maxAccuracyDropPoints: 4 });
    expect(fits.answer?.fits).toBe(true);
    expect(fits.bundle).toMatchObject({ rowKey: "mid", dtype: "float16", bytes: 500, runId: held.runId });
    // Only exported bundles count: "small" (150 B, not exported) is never the answer.
    expect(fits.consideredBundles).toBe(3);

    const tooSmall = await team.viewer.candidate.fitBudget({ projectId, maxBytes: 200 });
    expect(tooSmall.answer?.fits).toBe(false);
    expect(tooSmall.bundle).toMatchObject({ rowKey: "mid", dtype: "uint8", bytes: 300 });
    expect(tooSmall.explanation).toMatch(/bytes/);
    expect(tooSmall.explanation).toContain("mid (one-shot, run");
  });

  it("does not mix datasets: asks which one when the project's bundles span several", async () => {
    const { team, held } = await heldRunWithResults("TwoData");
    await team.worker.worker.recordDeployment(deploymentOf(held));
    const experiment = await db.experiment.findFirstOrThrow({ where: { runs: { some: { id: held.runId } } } });
    const other = await db.experiment.create({
      data: {
        projectId: team.project.id,
        name: "iris",
        dataset: "csv:iris.csv",
        config: experiment.config,
        createdById: experiment.createdById,
      },
    });
    const otherRun = await db.run.create({
      data: { experimentId: other.id, status: "succeeded", baseMetrics: JSON.stringify(runResultsFixture().base) },
    });
    const stored = await db.resultRow.findFirstOrThrow({ where: { runId: held.runId, rowKey: "mid" } });
    const { id: _id, runId: _runId, ...copy } = stored;
    await db.resultRow.create({ data: { ...copy, runId: otherRun.id } });

    await expectTrpcError(
      team.viewer.candidate.fitBudget({ projectId: team.project.id, maxBytes: 600 }),
      "BAD_REQUEST",
      /come from 2 datasets \(.*\).*pass dataset/,
    );
    const onOne = await team.viewer.candidate.fitBudget({
      projectId: team.project.id,
      maxBytes: 600,
      dataset: "csv:iris.csv",
    });
    expect(onOne.bundle?.runId).toBe(otherRun.id);
  });

  it("says so when the project has no exported bundle, and keeps other teams' projects hidden", async () => {
    const team = await createQueueTeam(store, "NoBundles");
    const empty = await team.viewer.candidate.fitBudget({ projectId: team.project.id, maxBytes: 1000 });
    expect(empty).toMatchObject({ answer: null, bundle: null, consideredBundles: 0 });
    expect(empty.explanation).toMatch(/no run of this project has exported bundles/i);

    const other = await createQueueTeam(store, "Elsewhere");
    await expectTrpcError(
      other.viewer.candidate.fitBudget({ projectId: team.project.id, maxBytes: 1000 }),
      "NOT_FOUND",
    );
    await expectInvalidInput(team.viewer.candidate.fitBudget({ projectId: team.project.id, maxBytes: 0 }), "maxBytes");
  });
});
