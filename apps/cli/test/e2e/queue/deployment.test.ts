import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { spawnWorker, startTestPlatform, type TestPlatform, waitFor } from "./queue-fixtures.js";

// The deploy stage through a real worker process: a device budget that fits, one that nothing can
// meet, and one with recovery fine-tuning; every exported bundle verified and stored with its card.

let platform: TestPlatform;
const runs: Record<"fits" | "tooSmall" | "recovered", string> = { fits: "", tooSmall: "", recovered: "" };

const config = (deployment: Record<string, unknown>) => ({
  dataset: "mnist",
  split: { maxTrainSamples: 2000, maxTestSamples: 500 },
  model: { hidden: [24] },
  training: { epochs: 1, batchSize: 64 },
  pruning: { means: [0, 0.1, 0.3], stds: [0.2, 1, 3] },
  deployment,
});

beforeAll(async () => {
  platform = await startTestPlatform();
  spawnWorker(platform.url, await platform.createToken("worker"), "deployer");
  [runs.fits] = (await platform.queue("fits", config({ budget: { maxBytes: 40_000, maxAccuracyDropPoints: 3 } }))) as [
    string,
  ];
  [runs.tooSmall] = (await platform.queue("too small", config({ budget: { maxBytes: 1_000 } }))) as [string];
  [runs.recovered] = (await platform.queue(
    "recovered",
    config({ budget: { maxBytes: 100_000 }, recoveryEpochs: 1, recover: "pareto", dtypes: ["uint8"] }),
  )) as [string];
  await waitFor(
    "the three runs to finish",
    async () => {
      const all = await Promise.all(Object.values(runs).map((runId) => platform.run(runId)));
      return all.every((run) => run.status !== "queued" && run.status !== "running") ? all : undefined;
    },
    110_000,
    250,
  );
}, 240_000);

describe("the deploy stage", () => {
  it("answers a budget that fits with the most accurate bundle within it, verified and stored with a model card", async () => {
    const run = await platform.run(runs.fits);
    expect(run.status, run.errorMessage ?? "").toBe("succeeded");
    expect(run.completedStages.at(-1)).toBe("deploy");
    const deployment = run.deployment!;
    expect(deployment.answer).toMatchObject({ fits: true });
    const best = (deployment.answer as unknown as { best: { bytes: number; weightDtype: string } }).best;
    expect(best.bytes).toBeLessThanOrEqual(40_000);

    const { rows } = await platform.owner.result.rows({ runId: runs.fits });
    const chosen = rows.find((row) => row.rowKey === deployment.chosen!.rowKey)!;
    const bundle = chosen.bundles.find((entry) => entry.dtype === best.weightDtype && entry.exported !== null)!;
    expect(bundle.bytes).toBe(best.bytes);
    expect(bundle.exported!.verification.correct).toBe(bundle.testCorrect);

    // The stored files are exactly the verified ones: their sizes add up to the bundle's bytes, their sha256 match.
    const artifacts = (await platform.owner.artifact.list({ runId: runs.fits, limit: 100 })).items;
    let total = 0;
    for (const file of bundle.exported!.files) {
      const stored = artifacts.find((artifact) => artifact.name === file.name)!;
      expect(stored).toMatchObject({
        sha256: file.sha256,
        sizeBytes: file.bytes,
        resultRowId: chosen.id,
        kind: "bundle",
      });
      const response = await fetch(`${platform.url}${stored.downloadPath}`, {
        headers: { authorization: `Bearer ${await platform.createToken("user")}` },
      });
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(file.sha256);
      total += bytes.length;
    }
    expect(total).toBe(bundle.bytes);
    const card = deployment.modelCard as {
      candidateId: string;
      bytesPerDtype: Record<string, number>;
      source: { runId: string };
    };
    expect(card.source.runId).toBe(runs.fits);
    expect(card.bytesPerDtype[best.weightDtype]).toBe(best.bytes);
    expect(
      artifacts.some((artifact) => artifact.name.endsWith(`${deployment.chosen!.rowKey}/one-shot/model-card.json`)),
    ).toBe(true);
  });

  it("says clearly when nothing fits, names the closest option and what it misses, and still exports it", async () => {
    const run = await platform.run(runs.tooSmall);
    expect(run.status, run.errorMessage ?? "").toBe("succeeded");
    const answer = run.deployment!.answer as unknown as {
      fits: boolean;
      closest: { bytes: number };
      missing: { constraint: string; limit: number; actual: number }[];
      explanation: string;
    };
    expect(answer.fits).toBe(false);
    expect(answer.missing).toContainEqual(expect.objectContaining({ constraint: "maxBytes", limit: 1_000 }));
    expect(answer.closest.bytes).toBeGreaterThan(1_000);
    expect(answer.explanation).toMatch(/1,000 bytes/);
    expect(run.deployment!.chosen).not.toBeNull();
  });

  it("keeps recovered accuracy beside the one-shot one, with its cost, for every Pareto row", async () => {
    const run = await platform.run(runs.recovered);
    expect(run.status, run.errorMessage ?? "").toBe("succeeded");
    const { rows } = await platform.owner.result.rows({ runId: runs.recovered });
    const pareto = rows.filter((row) => row.pareto && row.status === "ok");
    expect(pareto.length).toBeGreaterThan(0);
    for (const row of pareto) {
      expect(row.recovery).toMatchObject({ epochs: 1 });
      expect(row.recovery!.seconds).toBeGreaterThan(0);
      expect(row.recovery!.costRelativeToBaseTraining).toBeGreaterThan(0);
      expect(row.bundles.map((bundle) => `${bundle.weights}/${bundle.dtype}`).sort()).toEqual([
        "one-shot/uint8",
        "recovered/uint8",
      ]);
    }
  });
});
