import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { runDeadweight } from "./run-deadweight.js";

// Tabular data as people have it: features 10^4 apart in scale, class names as labels, gzip files,
// count lines. Each run trains a 2-8-2 network on 360 rows for 20 epochs: seconds.

function temporaryFolder(): string {
  return mkdtempSync(join(tmpdir(), "deadweight-tabular-"));
}

function readJson(path: string) {
  return JSON.parse(readFileSync(path, "utf8"));
}

/**
 * 400 rows "size,ratio,verdict": size in [0, 10000) and ratio in [0, 1) (10^4 apart), verdict "big"
 * when size / 10000 + ratio > 1, else "small". Deterministic (a fixed linear congruential sequence).
 */
function tabularCsv(): string {
  let state = 12345;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const lines = ["size,ratio,verdict"];
  for (let i = 0; i < 400; i++) {
    const a = next();
    const b = next();
    lines.push(`${(a * 10000).toFixed(1)},${b.toFixed(4)},${a + b > 1 ? "big" : "small"}`);
  }
  return `${lines.join("\n")}\n`;
}

const NETWORK = ["--hidden", "8", "--epochs", "20", "--batch-size", "16", "--learning-rate", "0.01", "--seed", "3"];
const GRID = ["--criterion", "rank", "--grid", "keep=0.5,1", "--dtypes", "float32"];

describe("deadweight prune on a gzip CSV whose features differ by 10^4, scaled by default", () => {
  const folder = temporaryFolder();
  const csv = join(folder, "sizes.csv.gz");
  const out = join(folder, "run");
  let run: ReturnType<typeof runDeadweight>;

  beforeAll(() => {
    writeFileSync(csv, gzipSync(tabularCsv()));
    run = runDeadweight(["prune", "--dataset", `csv:${csv}`, ...NETWORK, ...GRID, "--out", out]);
  });

  it("reads the .csv.gz directly, standardises on the training rows and says so", () => {
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain("320 train + 80 test samples, 2 features, 2 classes");
    expect(run.stderr).toContain(
      "scaling: standard, fitted on the 288 training rows only; folded into every exported model's first layer, so the models take raw features",
    );
  });

  it("learns, reports the majority-class rate beside the base accuracy, and suggests a row", () => {
    const results = readJson(join(out, "results.json"));
    expect(results.learning.verdict).toBe("learned");
    expect(results.base.testAccuracy).toBeGreaterThan(0.9);
    const majority = results.learning.majorityClass;
    expect(run.stdout).toContain(
      `majority class "${majority.name}" (${(100 * majority.trainShare).toFixed(2)}% of the training rows): validation ${(100 * majority.validationRate).toFixed(2)}%`,
    );
    expect(run.stdout).not.toContain("WARNING");
    expect(results.suggestedRowId).not.toBeNull();
  });

  it("records the class names and the scaling, fitted on the training rows, in results.json and the model card", () => {
    const results = readJson(join(out, "results.json"));
    expect(results.dataset.classNames).toEqual(["big", "small"]);
    expect(results.featureScaling).toMatchObject({
      method: "standard",
      fittedOn: results.split.train,
      foldedIntoFirstLayer: true,
      constantFeatures: [],
    });
    const { chosen, modelCard } = results.deployment;
    const card = readJson(join(out, `bundles/${chosen.rowKey}/${chosen.weights}/model-card.json`));
    expect(card).toEqual(modelCard);
    expect(card.inputs).toEqual({ featureNames: ["size", "ratio"], scaling: results.featureScaling, contract: null });
    expect(card.classNames).toEqual(["big", "small"]);
    expect(card.accuracy.majorityClass.className).toBe(results.learning.majorityClass.name);
  });

  it("exports a base model that plain TF.js loads and runs on the raw features at the recorded accuracy", async () => {
    const results = readJson(join(out, "results.json"));
    const modelJson = readJson(join(out, "models", "base", "model.json"));
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology,
        weightSpecs: modelJson.weightsManifest[0].weights,
        weightData: new Uint8Array(readFileSync(join(out, "models", "base", "weights.bin"))).buffer,
      }),
    );
    // The test rows exactly as the file holds them: no scaling on this side.
    const rows = tabularCsv()
      .trim()
      .split("\n")
      .slice(1 + 320);
    const features = rows.flatMap((row) => row.split(",").slice(0, 2).map(Number));
    const labels = rows.map((row) => (row.endsWith(",big") ? 0 : 1));
    const predicted = tf.tidy(() =>
      Array.from((model.predict(tf.tensor2d(features, [80, 2])) as tf.Tensor).argMax(1).dataSync()),
    );
    model.dispose();
    const accuracy = predicted.filter((label, i) => label === labels[i]).length / 80;
    // One of 80 rows of slack: the folded first layer sums in another order than the sweep's scaled one.
    expect(Math.abs(accuracy - results.base.testAccuracy)).toBeLessThanOrEqual(1 / 80 + 1e-9);
  });
});

describe("deadweight prune on the same data unscaled: a run that failed to learn says so", () => {
  const folder = temporaryFolder();
  const out = join(folder, "run");
  let run: ReturnType<typeof runDeadweight>;

  beforeAll(() => {
    const csv = join(folder, "sizes.csv");
    writeFileSync(csv, tabularCsv());
    run = runDeadweight(["prune", "--dataset", `csv:${csv}`, "--scale", "none", ...NETWORK, ...GRID, "--out", out]);
  });

  it("warns in words with the likely causes, suggests nothing and deploys nothing, and still exits 0", () => {
    expect(run.status).toBe(0);
    expect(run.stderr).toContain("scaling: none (split.scale)");
    expect(run.stdout).toMatch(
      /WARNING: The base model did not learn: its validation accuracy, [\d.]+% \(\d+ of 32\), is not clearly above the majority-class rate/,
    );
    expect(run.stdout).toMatch(
      /- the features are not scaled and their ranges differ by a factor of ~10\^4 \(feature 1 \("size"\)/,
    );
    expect(run.stdout).toContain("- the learning rate (0.01)");
    expect(run.stdout).toContain("suggested: none (the base model did not learn; see the warning above)");
    expect(run.stdout).toContain("deployment: nothing was measured or deployed, because the base model did not learn");
    expect(existsSync(join(out, "bundles"))).toBe(false);
  });

  it("records the verdict in results.json, with no suggested row and the reason as the deployment's note", () => {
    const results = readJson(join(out, "results.json"));
    expect(results.learning.verdict).toBe("did-not-learn");
    expect(results.featureScaling.method).toBe("none");
    expect(results.suggestedRowId).toBeNull();
    expect(results.deployment.chosen).toBeNull();
    expect(results.deployment.note).toBe(results.learning.message);
  });
});

describe("deadweight prune refuses a CSV whose first line is neither a header nor a sample", () => {
  it("names the line, says what it looks like and how to fix it, with exit code 2", () => {
    const folder = temporaryFolder();
    const csv = join(folder, "breast_cancer.csv");
    const rows = Array.from({ length: 6 }, (_, i) => `${i}.5,${i * 100},${i % 2}`);
    writeFileSync(csv, `6,2,malignant,benign\n${rows.join("\n")}\n`);
    const run = runDeadweight(["prune", "--dataset", `csv:${csv}`, "--out", join(folder, "run")]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`dataset "${csv}": line 1 has 4 columns but the 6 rows after it have 3`);
    expect(run.stderr).toContain("then 2 class names (labels 0..1)");
    expect(run.stderr).not.toContain("malignant");
    expect(run.stderr).toContain(`tail -n +2 ${csv} > fixed.csv`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
