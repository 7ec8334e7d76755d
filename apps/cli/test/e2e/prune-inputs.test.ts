import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runDeadweight } from "./run-deadweight.js";

// `deadweight prune --prune-inputs` end to end on a small CSV with one constant column: a 3-8-2
// network on 300 rows for 20 epochs, seconds.

function readJson(path: string) {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** 300 rows "size,flag,ratio,verdict": flag is 7 on every row; verdict "big" when size + ratio > 1. Deterministic. */
function csvWithConstantColumn(): string {
  let state = 777;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const lines = ["size,flag,ratio,verdict"];
  for (let i = 0; i < 300; i++) {
    const a = next();
    const b = next();
    lines.push(`${a.toFixed(4)},7,${b.toFixed(4)},${a + b > 1 ? "big" : "small"}`);
  }
  return `${lines.join("\n")}\n`;
}

/** `deadweight prune --prune-inputs 0` of a small 3-8-2 network on the CSV, with `more` flags, into `out`. */
function pruneWithInputPruning(csv: string, out: string, more: readonly string[] = []) {
  return runDeadweight([
    "prune",
    "--dataset",
    `csv:${csv}`,
    "--hidden",
    "8",
    "--epochs",
    "20",
    "--batch-size",
    "16",
    "--learning-rate",
    "0.01",
    "--criterion",
    "rank",
    "--grid",
    "keep=0.5,1",
    "--dtypes",
    "float32",
    "--prune-inputs",
    "0",
    ...more,
    "--out",
    out,
  ]);
}

describe("deadweight prune --prune-inputs 0 on a CSV with a constant column", () => {
  const folder = mkdtempSync(join(tmpdir(), "deadweight-prune-inputs-"));
  const csv = join(folder, "flags.csv");
  const out = join(folder, "run");
  let run: ReturnType<typeof runDeadweight>;

  beforeAll(() => {
    writeFileSync(csv, csvWithConstantColumn());
    run = pruneWithInputPruning(csv, out);
  });

  it("removes the constant column and records the inputs kept and the parameters before", () => {
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain("inputs: kept 2 of 3 features");
    const results = readJson(join(out, "results.json"));
    expect(results.config.pruning.inputStdThreshold).toBe(0);
    expect(results.inputPruning).toEqual({
      stdThreshold: 0,
      originalWidth: 3,
      keptCount: 2,
      keptFeatures: [0, 2],
      parametersBeforeInputPruning: 3 * 8 + 8 + 8 * 2 + 2,
    });
    expect(results.base.parameters).toBe(2 * 8 + 8 + 8 * 2 + 2);
    for (const row of results.rows) {
      expect(row.inputsKept).toBe(2);
      expect(row.parameterReductionWithInputsPercent).toBeCloseTo((100 * (50 - row.parameters)) / 50, 10);
    }
  });

  it("writes the input contract beside every model and bundle, and states it in the model card", () => {
    const contract = readJson(join(out, "models", "base", "input-contract.json"));
    expect(contract).toEqual({
      format: "deadweight-input-contract",
      version: 1,
      originalWidth: 3,
      keptFeatures: [0, 2],
      featureNames: ["size", "ratio"],
    });
    const files = readdirSync(join(out, "bundles"), { recursive: true }).map(String);
    expect(files.filter((name) => name.endsWith("input-contract.json")).length).toBeGreaterThan(0);
    const cardName = files.find((name) => name.endsWith("model-card.json"));
    expect(cardName).toBeDefined();
    expect(readJson(join(out, "bundles", cardName as string)).inputs.contract).toMatchObject({
      file: "input-contract.json",
      originalWidth: 3,
      keptFeatures: [0, 2],
      featureNames: ["size", "ratio"],
    });
  });

  it("lets deadweight evaluate reproduce the base model's test accuracy on the full-width CSV", () => {
    const results = readJson(join(out, "results.json"));
    const evaluation = runDeadweight(["evaluate", join(out, "models", "base"), "--dataset", `csv:${csv}`]);
    expect(evaluation.status).toBe(0);
    expect(evaluation.stdout).toContain("inputs: 2 of 3 features (input-contract.json applied)");
    expect(evaluation.stdout).toContain(`test accuracy: ${(100 * results.base.testAccuracy).toFixed(2)}%`);
  });
});

describe("deadweight prune --prune-inputs 0 with a schedule", () => {
  const folder = mkdtempSync(join(tmpdir(), "deadweight-prune-inputs-schedule-"));
  const csv = join(folder, "flags.csv");
  const out = join(folder, "run");
  let run: ReturnType<typeof runDeadweight>;

  beforeAll(() => {
    writeFileSync(csv, csvWithConstantColumn());
    run = pruneWithInputPruning(csv, out, [
      "--rounds",
      "2",
      "--round-threshold",
      "keep=0.5",
      "--recover-epochs",
      "1",
      "--export",
      "all",
      "--bundles",
      "pareto",
    ]);
  });

  it("runs the rounds on the input-pruned network: round rows read 2 inputs and their models state the contract", () => {
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    const results = readJson(join(out, "results.json"));
    const rounds = results.rows.filter((row: { id: string }) => row.id.startsWith("round-"));
    expect(rounds.map((row: { id: string }) => row.id)).toEqual(["round-1", "round-2"]);
    expect(results.schedule.rounds.map((round: { keptNeurons: number[] }) => round.keptNeurons)).toEqual([[4], [2]]);
    for (const row of rounds) {
      expect(row.inputsKept).toBe(2);
      // 2 inputs -> k neurons -> 2 classes, against 3-8-2's 50 parameters before input pruning.
      const k = row.keptNeurons[0];
      expect(row.parameters).toBe(2 * k + k + k * 2 + 2);
      expect(row.parameterReductionWithInputsPercent).toBeCloseTo((100 * (50 - row.parameters)) / 50, 10);
      const modelFolder = join(out, results.models[row.id]);
      expect(readJson(join(modelFolder, "input-contract.json")).keptFeatures).toEqual([0, 2]);
      const kernelShape = readJson(join(modelFolder, "model.json")).weightsManifest[0].weights[0].shape;
      expect(kernelShape).toEqual([2, k]);
    }
  });

  it("gives every bundle the contract, and deadweight evaluate reads a round's model on the full-width CSV", () => {
    const files = readdirSync(join(out, "bundles"), { recursive: true }).map(String);
    const modelJsons = files.filter((name) => name.endsWith("model.json"));
    expect(modelJsons.length).toBeGreaterThan(0);
    for (const name of modelJsons) {
      expect(files).toContain(name.replace(/model\.json$/, "input-contract.json"));
    }
    const evaluation = runDeadweight(["evaluate", join(out, "models", "round-2"), "--dataset", `csv:${csv}`]);
    expect(evaluation.status).toBe(0);
    expect(evaluation.stdout).toContain("inputs: 2 of 3 features (input-contract.json applied)");
    const results = readJson(join(out, "results.json"));
    const round2 = results.rows.find((row: { id: string }) => row.id === "round-2");
    expect(evaluation.stdout).toContain(`test accuracy: ${(100 * round2.testAccuracy).toFixed(2)}%`);
  });
});
