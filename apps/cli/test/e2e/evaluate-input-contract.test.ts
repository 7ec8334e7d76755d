import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  applyInputPruning,
  encodeModelBundle,
  INPUT_CONTRACT_FILE_NAME,
  inputContractOf,
  type MlpWeights,
  writeBundleFolder,
} from "@deadweight/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDeadweight } from "./run-deadweight.js";

const ROOT = mkdtempSync(join(tmpdir(), "deadweight-evaluate-contract-"));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

/**
 * 4 features a, b, c, d with b = 1 and d = 0 on every row. The full network 4 -> 2 (relu) -> 2 has
 * first-layer rows a: [1, 0], b: [2, -1], c: [0, 1], d: [3, 3] and bias [-2, 1]: with b = 1 the
 * hidden layer is relu(a, c), the output layer passes it on, so it predicts "right" exactly when
 * c > a. On the four test rows it is right on the first three and wrong on the last (a left row
 * with c > a): 3 of 4 = 75.00%. Pruning b and d (means folded) keeps exactly that network.
 */
const CSV = ["a,b,c,d,side", "0.1,1,0.9,0,right", "0.8,1,0.2,0,left", "0.3,1,0.7,0,right", "0.6,1,0.9,0,left", ""].join(
  "\n",
);
const FULL: MlpWeights = {
  layers: [
    {
      inputSize: 4,
      outputSize: 2,
      kernel: Float32Array.from([1, 0, 2, -1, 0, 1, 3, 3]),
      bias: Float32Array.from([-2, 1]),
      activation: "relu",
    },
    {
      inputSize: 2,
      outputSize: 2,
      kernel: Float32Array.from([1, 0, 0, 1]),
      bias: Float32Array.from([0, 0]),
      activation: "softmax",
    },
  ],
};
const PLAN = { originalWidth: 4, kept: [0, 2], foldedValues: [0.45, 1, 0.675, 0], stdThreshold: 0 };
const CSV_PATH = join(ROOT, "four.csv");
const MODEL = join(ROOT, "model");

beforeAll(async () => {
  writeFileSync(CSV_PATH, CSV);
  const bundle = await encodeModelBundle(applyInputPruning(FULL, PLAN), "float32", {
    inputContract: inputContractOf(PLAN, ["a", "b", "c", "d"]),
  });
  await writeBundleFolder(MODEL, bundle.files);
});

describe("deadweight evaluate on a model with pruned inputs", () => {
  it("applies the folder's input-contract.json to the full-width test set", () => {
    const run = runDeadweight(["evaluate", MODEL, "--dataset", `csv:${CSV_PATH},${CSV_PATH}`, "--backend", "cpu"]);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("architecture: 2-2-2");
    expect(run.stdout).toContain("inputs: 2 of 4 features (input-contract.json applied)");
    expect(run.stdout).toContain("test accuracy: 75.00% on 4 samples");
  });

  it("refuses a dataset of another width than the contract's, naming both widths", () => {
    const narrow = join(ROOT, "three.csv");
    writeFileSync(narrow, ["a,c,d,side", "0.1,0.9,0,right", "0.8,0.2,0,left", ""].join("\n"));
    const run = runDeadweight(["evaluate", MODEL, "--dataset", `csv:${narrow},${narrow}`, "--backend", "cpu"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("has 3 features per sample but this model reads 2 of the original 4 features");
  });

  it("without its input-contract.json, says the model needs it", async () => {
    const bare = join(ROOT, "bare");
    await writeBundleFolder(bare, (await encodeModelBundle(applyInputPruning(FULL, PLAN), "float32")).files);
    const run = runDeadweight(["evaluate", bare, "--dataset", `csv:${CSV_PATH},${CSV_PATH}`, "--backend", "cpu"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("takes 2 inputs but");
    expect(run.stderr).toContain(`needs the ${INPUT_CONTRACT_FILE_NAME} it was exported with`);
  });
});
