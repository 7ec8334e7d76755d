import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadBundledMnist, loadDatasetSource } from "@deadweight/dataset-files";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { irisDemoExperiment } from "../../src/platform/demo-experiment.js";
import { runDeadweight } from "./run-deadweight.js";

// The platform's Iris demo names its uploaded copy; here the same experiment names the checked-in file.
const IRIS_DEMO_EXPERIMENT = irisDemoExperiment("csv:datasets/iris/iris.csv");

const REPOSITORY_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

function temporaryFolder(): string {
  return mkdtempSync(join(tmpdir(), "deadweight-cli-"));
}

function readJson(path: string) {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** Three well separated blobs of 100 points each (3 features, classes red/green/blue) as a CSV file in `folder`. */
function writeBlobsCsv(folder: string): string {
  const csv = join(folder, "blobs.csv");
  const lines = ["x1,x2,x3,kind"];
  // Deterministic pseudo-noise keeps the file stable.
  for (let i = 0; i < 300; i++) {
    const kind = ["red", "green", "blue"][i % 3] as string;
    const centre = (i % 3) * 3;
    const noise = (k: number) => (((i * 7919 + k * 104729) % 1000) / 1000 - 0.5) * 0.8;
    lines.push(`${centre + noise(1)},${-centre + noise(2)},${noise(3)},${kind}`);
  }
  writeFileSync(csv, `${lines.join("\n")}\n`);
  return csv;
}

describe("deadweight prune on a small MNIST configuration", () => {
  const out = join(temporaryFolder(), "run");
  let run: ReturnType<typeof runDeadweight>;

  beforeAll(() => {
    run = runDeadweight([
      "prune",
      "--dataset",
      "mnist",
      "--max-train-samples",
      "3000",
      "--max-test-samples",
      "1000",
      "--hidden",
      "48,24",
      "--epochs",
      "2",
      "--grid",
      "mean=0,0.1,0.5",
      "std=0.4,1",
      "--export",
      "all",
      "--out",
      out,
    ]);
  });

  it("exits 0 and prints the post's table, the neuron plots and a suggestion", () => {
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("base (unpruned)");
    expect(run.stdout).toContain("mean 0.1 / std 0.4");
    expect(run.stdout).toContain("hidden layer 1: 48 neurons");
    expect(run.stdout).toContain("hidden layer 2: 24 neurons");
    expect(run.stdout).toMatch(/suggested: |no threshold keeps/);
    expect(run.stderr).toContain("backend: wasm");
    expect(run.stderr).toContain("train epoch 2/2");
  });

  it("writes results.json with the config, backend, exact split and one complete row per threshold", () => {
    const results = readJson(join(out, "results.json"));
    expect(results.config.model.hidden).toEqual([48, 24]);
    expect(results.backend.name).toBe("wasm");
    expect(results.split.validation).toEqual({ source: "mnist train", from: 2700, to: 3000 });
    expect(results.split.test).toEqual({ source: "mnist test", from: 0, to: 1000 });
    expect(results.base.parameters).toBe(784 * 48 + 48 + 48 * 24 + 24 + 24 * 10 + 10);
    expect(results.rows).toHaveLength(6);
    for (const row of results.rows) {
      for (const field of [
        "id",
        "threshold",
        "status",
        "keptNeurons",
        "parameters",
        "bytes",
        "validationAccuracy",
        "testAccuracy",
        "testAccuracyDrop",
        "parameterReductionPercent",
        "neuronReductionPercent",
        "latencyMsPerSample",
        "pareto",
      ]) {
        expect(row).toHaveProperty(field);
      }
    }
    expect(results.timings.train).toBeGreaterThan(0);
  });

  it("writes stats.json with every hidden neuron's statistics", () => {
    const stats = readJson(join(out, "stats.json"));
    expect(stats.sampleCount).toBe(300);
    expect(stats.layers.map((layer: { neurons: unknown[] }) => layer.neurons.length)).toEqual([48, 24]);
    const neuron = stats.layers[0].neurons[0];
    for (const field of ["mean", "std", "min", "max", "apoz", "histogram"]) expect(neuron).toHaveProperty(field);
  });

  it("exports models that plain TF.js loads, pruned ones physically smaller and predicting as the table says", async () => {
    const results = readJson(join(out, "results.json"));
    const load = async (id: string) => {
      const folder = join(out, "models", id);
      const modelJson = readJson(join(folder, "model.json"));
      const weights = readFileSync(join(folder, "weights.bin"));
      const model = await tf.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: modelJson.modelTopology,
          weightSpecs: modelJson.weightsManifest[0].weights,
          weightData: new Uint8Array(weights).buffer,
        }),
      );
      return { model, bytes: statSync(join(folder, "weights.bin")).size };
    };
    const base = await load("base");
    expect(base.bytes).toBe(results.base.bytes);
    const prunedRow = results.rows.find(
      (row: { status: string; parameters: number }) => row.status === "ok" && row.parameters < results.base.parameters,
    );
    expect(prunedRow).toBeDefined();
    const pruned = await load(prunedRow.id);
    expect(pruned.bytes).toBe(prunedRow.bytes);
    expect(pruned.bytes).toBeLessThan(base.bytes);
    const denseShapes = pruned.model.layers
      .filter((layer) => layer.getClassName() === "Dense")
      .map((layer) => layer.getWeights()[0]?.shape);
    expect(denseShapes.map((shape) => shape?.[1]).slice(0, -1)).toEqual(prunedRow.keptNeurons);

    // The file on disk behaves as the table says: its accuracy on the run's 1000 test samples is the
    // row's. Up to one sample may differ: the sweep computes first-layer activations with the full
    // 784x512 matmul and gathers columns, the file runs a 784xk matmul, and float32 sums in another
    // order can flip a near-tie argmax.
    const { test } = loadBundledMnist();
    const accuracyOf = (model: tf.LayersModel) =>
      tf.tidy(() => {
        const inputs = tf.tensor2d(test.features.subarray(0, 1000 * 784), [1000, 784]);
        const predicted = Array.from((model.predict(inputs) as tf.Tensor).argMax(1).dataSync());
        return predicted.filter((label, i) => label === test.labels[i]).length / 1000;
      });
    expect(Math.abs(accuracyOf(pruned.model) - prunedRow.testAccuracy)).toBeLessThanOrEqual(0.001);
    expect(Math.abs(accuracyOf(base.model) - results.base.testAccuracy)).toBeLessThanOrEqual(0.001);
    base.model.dispose();
    pruned.model.dispose();
  });
});

describe("deadweight prune on a CSV dataset", () => {
  it("trains, sweeps and writes results for a numeric CSV with named classes", () => {
    const folder = temporaryFolder();
    const csv = writeBlobsCsv(folder);
    const out = join(folder, "run");
    const run = runDeadweight([
      "prune",
      "--dataset",
      `csv:${csv}`,
      "--hidden",
      "16,8",
      "--epochs",
      "20",
      "--batch-size",
      "16",
      "--learning-rate",
      "0.01",
      "--grid",
      "mean=0,0.2",
      "std=0.5",
      "--out",
      out,
    ]);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    const results = readJson(join(out, "results.json"));
    expect(results.dataset.classNames).toEqual(["blue", "green", "red"]);
    expect(results.base.testAccuracy).toBeGreaterThan(0.9);
  });
});

describe("deadweight prune deploys like a worker: verified bundles and a model card under --out", () => {
  interface BundleFile {
    name: string;
    bytes: number;
    sha256: string;
  }
  interface RowBundle {
    weights: string;
    dtype: string;
    bytes: number;
    testCorrect: number;
    exported: { files: BundleFile[]; verification: { correct: number; samples: number; backend: string } } | null;
  }
  const folder = temporaryFolder();
  const csv = writeBlobsCsv(folder);
  const prune = (name: string, deployment: string[]) => {
    const out = join(folder, name);
    // 240 training rows (24 held out for validation), 60 test rows, a 3-16-8-3 network: seconds per run.
    const run = runDeadweight([
      "prune",
      "--dataset",
      `csv:${csv}`,
      "--hidden",
      "16,8",
      "--epochs",
      "20",
      "--batch-size",
      "16",
      "--learning-rate",
      "0.01",
      "--grid",
      "mean=0,0.2",
      "std=0.5",
      "--dtypes",
      "float32,uint8",
      ...deployment,
      "--out",
      out,
    ]);
    return { run, out, results: run.status === 0 ? readJson(join(out, "results.json")) : null };
  };
  let fits: ReturnType<typeof prune>;
  let tooSmall: ReturnType<typeof prune>;

  beforeAll(() => {
    fits = prune("fits", ["--budget-bytes", "100000", "--budget-drop", "5", "--recover", "1"]);
    tooSmall = prune("too-small", ["--budget-bytes", "100"]);
  });

  it("answers a budget that fits with the most accurate bundle, fine-tuned and measured again, and says so", () => {
    const { run, results } = fits;
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain("deploy: fine-tuning 1 row(s) for 1 epoch(s)");
    expect(run.stdout).toContain("deployment budget: fits");
    expect(run.stdout).toMatch(/is the most accurate option within 100,000 bytes, at most 5 points lost/);
    const { deployment } = results;
    expect(deployment).toMatchObject({ basis: "budget", budget: { maxBytes: 100000, maxAccuracyDropPoints: 5 } });
    expect(deployment.answer.fits).toBe(true);
    expect(deployment.answer.best.bytes).toBeLessThanOrEqual(100000);
    expect(deployment.note).toBeNull();
    expect(deployment.rows.some((row: { recovery: unknown }) => row.recovery !== null)).toBe(true);
  });

  it("writes the chosen bundles as the worker stores them, byte for byte as verified in a fresh process", async () => {
    const { run, out, results } = fits;
    const { chosen, rows } = results.deployment;
    const row = rows.find((entry: { rowKey: string }) => entry.rowKey === chosen.rowKey);
    const exported: RowBundle[] = row.bundles.filter(
      (bundle: RowBundle) => bundle.weights === chosen.weights && bundle.exported !== null,
    );
    expect(exported.map((bundle) => bundle.dtype)).toEqual(["float32", "uint8"]);
    for (const bundle of exported) {
      const verification = bundle.exported!.verification;
      expect(verification.correct).toBe(bundle.testCorrect);
      expect(verification.samples).toBe(60);
      expect(verification.backend).toBe("wasm");
      let total = 0;
      for (const file of bundle.exported!.files) {
        expect(file.name).toMatch(
          new RegExp(`^bundles/${chosen.rowKey}/${chosen.weights}/${bundle.dtype}/(model\\.json|weights\\.bin)$`),
        );
        const bytes = readFileSync(join(out, file.name));
        expect(createHash("sha256").update(bytes).digest("hex")).toBe(file.sha256);
        total += bytes.length;
      }
      expect(total).toBe(bundle.bytes);
      expect(run.stdout).toContain(`bundles/${chosen.rowKey}/${chosen.weights}/${bundle.dtype}/`);
    }
    expect(run.stdout).toMatch(/verified \d+\/60 correct \(wasm, TF\.js 4\.22\.0\)/);
  });

  it("writes the chosen candidate's model card beside its bundles, the same card results.json records", () => {
    const { run, out, results } = fits;
    const { chosen, modelCard } = results.deployment;
    const name = `bundles/${chosen.rowKey}/${chosen.weights}/model-card.json`;
    const card = readJson(join(out, name));
    expect(card).toEqual(modelCard);
    expect(card.candidateId).toBe(`${chosen.rowKey}/${chosen.weights}`);
    expect(card.weights).toBe(chosen.weights);
    expect(card.source).toEqual({ runId: null, description: expect.stringContaining("deadweight prune on CSV") });
    expect(card.latencyMsPerSample).toBeGreaterThan(0);
    for (const bundle of card.bundles) {
      expect(bundle.verification).not.toBeNull();
      expect(
        statSync(join(out, "bundles", chosen.rowKey, chosen.weights, bundle.folder, "weights.bin")).size,
      ).toBeGreaterThan(0);
    }
    expect(run.stdout).toContain(`model card of ${chosen.rowKey}/${chosen.weights}: ${name}`);
  });

  it("says clearly when nothing fits, names what the closest bundle misses, and still deploys it with a card", () => {
    const { run, out, results } = tooSmall;
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("deployment budget: nothing fits");
    expect(run.stdout).toMatch(/Nothing fits 100 bytes\. Closest: .* over the byte budget\./);
    const { answer, chosen } = results.deployment;
    expect(answer.fits).toBe(false);
    expect(answer.missing).toEqual([
      { constraint: "maxBytes", limit: 100, actual: answer.closest.bytes, excess: answer.closest.bytes - 100 },
    ]);
    expect(chosen).not.toBeNull();
    expect(readJson(join(out, `bundles/${chosen.rowKey}/${chosen.weights}/model-card.json`)).candidateId).toBe(
      `${chosen.rowKey}/${chosen.weights}`,
    );
  });
});

describe("deadweight prune on the checked-in Iris CSV, the platform's second demo", () => {
  const out = join(temporaryFolder(), "run");
  let run: ReturnType<typeof runDeadweight>;

  beforeAll(() => {
    // The Iris demo's config file with the README's relative dataset path over it: relative to
    // the working directory, here the repository root as with `npm run deadweight`.
    const config = join(temporaryFolder(), "iris-demo.json");
    writeFileSync(config, JSON.stringify(IRIS_DEMO_EXPERIMENT.config));
    run = runDeadweight(
      ["prune", "--config", config, "--dataset", "csv:datasets/iris/iris.csv", "--export", "all", "--out", out],
      REPOSITORY_ROOT,
    );
  });

  it("exits 0 and describes the data, the 4-16-8-3 tanh model and the stdFold sweep", () => {
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(
      "dataset: CSV datasets/iris/iris.csv (last 20% of rows held out as test): 120 train + 30 test samples, 4 features, 3 classes",
    );
    expect(run.stderr).toContain("split: 108 train, 12 validation (samples 108-119 of the training data), 30 test");
    expect(run.stderr).toContain("model: 4-16-8-3 tanh, 50 epochs, batch 16");
    expect(run.stdout).toContain("hidden layer 1: 16 neurons");
    expect(run.stdout).toContain("fold std 0.05");
  });

  it("records the species names, the exact split of the file's rows and a base model above 90% test accuracy", () => {
    const results = readJson(join(out, "results.json"));
    expect(results.dataset.classNames).toEqual(["setosa", "versicolor", "virginica"]);
    expect(results.split).toEqual({
      train: { source: "datasets/iris/iris.csv[0:120] (first 80%)", from: 0, to: 108 },
      validation: { source: "datasets/iris/iris.csv[0:120] (first 80%)", from: 108, to: 120 },
      test: { source: "datasets/iris/iris.csv[120:150] (last 20%, no test file)", from: 0, to: 30 },
    });
    expect(results.config.model).toEqual({ hidden: [16, 8], activation: "tanh" });
    expect(results.base.parameters).toBe(4 * 16 + 16 + 16 * 8 + 8 + 8 * 3 + 3);
    expect(results.base.testAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(results.rows.map((row: { id: string }) => row.id)).toEqual(
      IRIS_DEMO_EXPERIMENT.config.pruning?.stds?.map((std) => `fold-std${std}`),
    );
  });

  it("folds saturated tanh neurons away: a smaller exported model that scores as the table says", async () => {
    const results = readJson(join(out, "results.json"));
    const row = results.rows.find((candidate: { id: string }) => candidate.id === "fold-std0.05");
    expect(row.status).toBe("ok");
    expect(row.parameters).toBeLessThan(results.base.parameters);
    // Folding a neuron's mean is exact only for a constant neuron; with std <= 0.05 one of the 30
    // test flowers may change class, not more.
    expect(Math.abs(row.testAccuracy - results.base.testAccuracy)).toBeLessThanOrEqual(1 / 30 + 1e-9);
    const modelJson = readJson(join(out, "models", row.id, "model.json"));
    const weights = readFileSync(join(out, "models", row.id, "weights.bin"));
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology,
        weightSpecs: modelJson.weightsManifest[0].weights,
        weightData: new Uint8Array(weights).buffer,
      }),
    );
    const dense = model.layers.filter((layer) => layer.getClassName() === "Dense");
    expect(dense.map((layer) => layer.getWeights()[0]?.shape[1])).toEqual([...row.keptNeurons, 3]);
    // The file, folded biases included, scores on the 30 test flowers what the table says (one flower
    // of slack: another matmul order can flip a near-tie).
    const { test } = loadDatasetSource({ kind: "csv", train: join(REPOSITORY_ROOT, "datasets/iris/iris.csv") });
    const correct = tf.tidy(() => {
      const predicted = (model.predict(tf.tensor2d(test.features, [30, 4])) as tf.Tensor).argMax(1).dataSync();
      return Array.from(predicted).filter((label, i) => label === test.labels[i]).length;
    });
    expect(Math.abs(correct / 30 - row.testAccuracy)).toBeLessThanOrEqual(1 / 30 + 1e-9);
    model.dispose();
  });
});

describe("deadweight prune refuses bad input with a clear message and exit code 2", () => {
  it.each([
    [["--hidden", "64,0"], /model\.hidden\[1\]/],
    [["--grid", "mean=-0.1", "std=0.4"], /pruning\.means\[0\]/],
    [["--grid", "mean=abc"], /--grid mean: "abc"/],
    [["--dataset", "idx:/nonexistent/folder"], /\/nonexistent\/folder/],
    [["--dataset", "imagenet"], /dataset argument "imagenet" is not understood/],
  ])("%j", (args, message) => {
    const run = runDeadweight(["prune", ...args, "--out", join(temporaryFolder(), "run")]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("refuses a config listing several seeds (one run each is for deadweight submit)", () => {
    const folder = temporaryFolder();
    const config = join(folder, "seeds.json");
    writeFileSync(config, JSON.stringify({ seeds: [1, 2] }));
    const run = runDeadweight(["prune", "--config", config, "--out", join(folder, "run")]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "seeds: lists 2 seeds, but deadweight prune trains one run; queue one run per seed with deadweight submit",
    );
  });

  it("stops on a CSV with a NaN feature, naming the line", () => {
    const folder = temporaryFolder();
    const csv = join(folder, "bad.csv");
    writeFileSync(csv, "a,b,label\n1,2,0\n3,NaN,1\n5,6,0\n7,8,1\n");
    const run = runDeadweight(["prune", "--dataset", `csv:${csv}`, "--out", join(folder, "run")]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("bad.csv");
    expect(run.stderr).toMatch(/line 3/);
  });
});

describe("deadweight help", () => {
  it("prints usage for the command and for prune", () => {
    expect(runDeadweight(["help"]).stdout).toContain("deadweight prune [options]");
    const prune = runDeadweight(["prune", "--help"]);
    expect(prune.status).toBe(0);
    expect(prune.stdout).toContain("--grid");
  });
});

describe("deadweight evaluate", () => {
  it("reloads an exported model and reports the accuracy the run recorded", () => {
    const folder = temporaryFolder();
    const out = join(folder, "run");
    const prune = runDeadweight([
      "prune",
      "--max-train-samples",
      "2000",
      "--max-test-samples",
      "500",
      "--hidden",
      "32",
      "--epochs",
      "1",
      "--grid",
      "mean=0.1",
      "std=0.4",
      "--out",
      out,
    ]);
    expect(prune.status).toBe(0);
    const results = readJson(join(out, "results.json"));
    const run = runDeadweight(["evaluate", join(out, "models", "base"), "--max-test-samples", "500"]);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("architecture: 784-32-10");
    // Same weights, same 500 samples; one sample of slack for float summation order across backends.
    const reported = Number(/test accuracy: ([\d.]+)%/.exec(run.stdout)?.[1]);
    expect(Math.abs(reported - 100 * results.base.testAccuracy)).toBeLessThanOrEqual(100 / 500);
  });

  it("refuses a model whose weights file does not match model.json, naming both sizes", () => {
    const folder = temporaryFolder();
    const out = join(folder, "run");
    expect(
      runDeadweight(["prune", "--max-train-samples", "500", "--hidden", "8", "--epochs", "1", "--out", out]).status,
    ).toBe(0);
    const weightsPath = join(out, "models", "base", "weights.bin");
    const weights = readFileSync(weightsPath);
    writeFileSync(weightsPath, weights.subarray(0, weights.length - 4));
    const run = runDeadweight(["evaluate", join(out, "models", "base")]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("MODEL_SHAPE_MISMATCH");
    expect(run.stderr).toContain(
      `describes ${weights.length} bytes of weights but weights.bin has ${weights.length - 4}`,
    );
  });

  it("explains a folder without a model", () => {
    const run = runDeadweight(["evaluate", temporaryFolder()]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/model\.json does not exist/);
  });
});
