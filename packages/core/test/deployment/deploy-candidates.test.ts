import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rejectedDeadweightError } from "@deadweight/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/bundle/file-digest.js";
import {
  type DeployCandidatesInput,
  type DeploymentOutcome,
  type DeploymentProgress,
  deployCandidates,
} from "../../src/deployment/deploy-candidates.js";
import type { DeploymentSettings } from "../../src/deployment/deployment-settings.js";
import { separableSplit } from "../synthetic-datasets.js";
import { expectNoTensorLeak } from "../tensor-leaks.js";
import { trainedSweptNetwork } from "../trained-swept-network.js";

// Real networks, real bundles and the real fresh-process verifier (one node process per deployment,
// ~1-2 s each): a 6-8-6-2 MLP on 440 separable samples, so training and every measurement take moments.

const ROOT = mkdtempSync(join(tmpdir(), "deadweight-deploy-"));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

const SPLIT = separableSplit({ train: 240, validation: 100, test: 100 }, 6, 31);
const TRAINING = { batchSize: 16, learningRate: 0.02, seed: 32 };
let input: Omit<DeployCandidatesInput, "settings" | "exportFolder" | "testSetFile">;

beforeAll(async () => {
  const { weights, training, stats, sweep } = await trainedSweptNetwork({
    split: SPLIT,
    hiddenSizes: [8, 6],
    epochs: 2,
    training: TRAINING,
    thresholds: [
      { kind: "rank", keepFraction: 0.5, score: "std" },
      { kind: "rank", keepFraction: 1, score: "std" },
    ],
  });
  input = {
    weights,
    stats,
    sweep,
    split: SPLIT,
    training: TRAINING,
    baseTrainingSeconds: training.seconds,
    card: {
      createdAt: new Date("2025-01-02T03:04:05Z"),
      source: { runId: null },
      backend: { name: "wasm", description: "wasm" },
    },
  };
});

function folders(name: string) {
  const folder = join(ROOT, name);
  return { exportFolder: join(folder, "export"), testSetFile: join(folder, "scratch", "test-set.dwds") };
}

describe("deployCandidates with a budget that fits and recovery of the answer", () => {
  let outcome: DeploymentOutcome;
  const progress: DeploymentProgress[] = [];
  const where = folders("fits");

  beforeAll(async () => {
    outcome = await deployCandidates({
      ...input,
      ...where,
      settings: {
        budget: { maxBytes: 100_000 },
        dtypes: ["float32", "uint8"],
        recoveryEpochs: 1,
        recover: "answer",
        bundles: "answer",
      },
      onProgress: (entry) => progress.push(entry),
    });
  });

  it("answers the budget over one-shot and recovered variants, and records the chosen one", () => {
    const { record, chosen } = outcome;
    expect(record.basis).toBe("budget");
    expect(record.answer?.fits).toBe(true);
    expect(chosen).not.toBeNull();
    expect(record.chosen).toEqual({ rowKey: chosen!.row.id, weights: chosen!.version });
    expect(record.note).toBeNull();
    const versions = outcome.variants.map((variant) => variant.version);
    expect(versions.filter((version) => version === "recovered")).toHaveLength(1);
    expect(progress.some((entry) => entry.training !== undefined && entry.message.startsWith("fine-tuning"))).toBe(
      true,
    );
    expect(progress.at(-1)?.message).toBe("verifying 2 bundle(s) in a fresh process with plain TF.js");
  });

  it("writes the chosen variant's bundles under the export folder, verified to reproduce their stored accuracy", async () => {
    const { chosen, exported } = outcome;
    expect(exported.map((entry) => entry.dtype)).toEqual(["float32", "uint8"]);
    for (const { dtype, measured, verification } of exported) {
      const folder = join(where.exportFolder, "bundles", chosen!.row.id, chosen!.version, dtype);
      expect(verification.folder).toBe(folder);
      expect(verification.measured.correct).toBe(measured.test.correct);
      for (const file of measured.files) {
        expect(await sha256Hex(new Uint8Array(readFileSync(join(folder, file.name))))).toBe(file.sha256);
      }
    }
    // Nothing but the bundles in the export folder; the test set only where the caller said.
    expect(readdirSync(where.exportFolder)).toEqual(["bundles"]);
    expect(existsSync(where.testSetFile)).toBe(true);
  });

  it("builds the chosen variant's model card with every bundle verified, and row reports naming the files", () => {
    const { record, chosen } = outcome;
    const card = record.modelCard!;
    expect(card.candidateId).toBe(`${chosen!.row.id}/${chosen!.version}`);
    expect(card.latencyMsPerSample).toBe(chosen!.row.latencyMsPerSample);
    expect(card.bundles.map((bundle) => [bundle.weightDtype, bundle.folder, bundle.verification?.backend])).toEqual([
      ["float32", "float32", "wasm"],
      ["uint8", "uint8", "wasm"],
    ]);
    const report = outcome.rows.find((row) => row.rowKey === chosen!.row.id)!;
    const exported = report.bundles.filter((bundle) => bundle.exported !== null);
    expect(exported.map((bundle) => bundle.exported!.files[0]!.name)).toEqual([
      `bundles/${chosen!.row.id}/${chosen!.version}/float32/model.json`,
      `bundles/${chosen!.row.id}/${chosen!.version}/uint8/model.json`,
    ]);
    const recovered = outcome.rows.find((row) => row.recovery !== null)!;
    expect(recovered.recovery).toMatchObject({ epochs: 1 });
    expect(recovered.recovery!.costRelativeToBaseTraining).toBeGreaterThan(0);
  });
});

describe("deployCandidates with a budget nothing meets", () => {
  it("still exports and cards the closest variant (no tensor left behind); a row without a latency meets no latency limit and its card claims none", async () => {
    const unmeasured = input.sweep.rows.map((row) => ({ ...row, latencyMsPerSample: null }));
    const outcome = await expectNoTensorLeak(() =>
      deployCandidates({
        ...input,
        ...folders("too-small"),
        sweep: { ...input.sweep, rows: unmeasured },
        settings: {
          budget: { maxBytes: 100_000, maxLatencyMsPerSample: 10 },
          dtypes: ["uint8"],
          recoveryEpochs: 0,
          recover: "answer",
          bundles: "answer",
        },
      }),
    );
    const answer = outcome.record.answer!;
    expect(answer.fits).toBe(false);
    expect(!answer.fits && answer.missing).toEqual([
      { constraint: "maxLatencyMsPerSample", limit: 10, actual: null, excess: null },
    ]);
    expect(answer.explanation).toContain("has no latency measurement");
    expect(outcome.exported).toHaveLength(1);
    expect(outcome.record.modelCard?.latencyMsPerSample).toBeNull();
  });
});

describe("deployCandidates with malformed settings", () => {
  it.each([
    [{ dtypes: [] }, "deployment dtypes: give at least one"],
    [{ dtypes: ["float32", "float32"] }, "deployment dtypes: each may appear once, got float32, float32"],
    [{ dtypes: ["float64"] }, 'weight dtype "float64" is not supported'],
    [{ recoveryEpochs: 1.5 }, "deployment recoveryEpochs must be a whole number of epochs (0: no recovery), got 1.5"],
  ])("refuses %j with INVALID_OPTION before any work", async (settings, message) => {
    const where = folders("malformed");
    const error = await rejectedDeadweightError(
      deployCandidates({
        ...input,
        ...where,
        settings: {
          dtypes: ["float32"],
          recoveryEpochs: 0,
          recover: "answer",
          bundles: "answer",
          ...(settings as Partial<DeploymentSettings>),
        },
      }),
    );
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain(message);
    expect(existsSync(join(ROOT, "malformed"))).toBe(false);
  });
});

describe("deployCandidates stopped", () => {
  it("throws the abort reason before measuring anything and writes nothing", async () => {
    const controller = new AbortController();
    const reason = new Error("run stopped");
    controller.abort(reason);
    const where = folders("stopped");
    await expect(
      deployCandidates({
        ...input,
        ...where,
        settings: {
          budget: { maxBytes: 100_000 },
          dtypes: ["float32"],
          recoveryEpochs: 0,
          recover: "answer",
          bundles: "answer",
        },
        signal: controller.signal,
      }),
    ).rejects.toBe(reason);
    expect(existsSync(join(ROOT, "stopped"))).toBe(false);
  });
});
