import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/config-error.js";
import { loadExperimentConfig } from "../../src/config/load-experiment-config.js";
import { PRUNE_USAGE, parsePruneArguments } from "../../src/config/prune-arguments.js";

describe("parsePruneArguments", () => {
  it("maps every flag onto the config's nested fields", () => {
    const { overrides, configPath, help } = parsePruneArguments([
      "--config",
      "exp.json",
      "--dataset",
      "csv:a.csv",
      "--label-column",
      "3",
      "--hidden",
      "512,256,128",
      "--activation",
      "tanh",
      "--epochs",
      "5",
      "--batch-size",
      "64",
      "--learning-rate",
      "0.01",
      "--seed",
      "7",
      "--validation-fraction",
      "0.2",
      "--max-train-samples",
      "1000",
      "--max-test-samples",
      "500",
      "--scale",
      "minmax",
      "--header",
      "no",
      "--criterion",
      "stdFold",
      "--export",
      "all",
      "--backend",
      "wasm",
      "--threads",
      "2",
      "--out",
      "runs/x",
    ]);
    expect(help).toBe(false);
    expect(configPath).toBe("exp.json");
    expect(overrides).toEqual({
      dataset: "csv:a.csv",
      labelColumn: 3,
      header: "no",
      model: { hidden: [512, 256, 128], activation: "tanh" },
      training: { epochs: 5, batchSize: 64, learningRate: 0.01 },
      seed: 7,
      split: { validationFraction: 0.2, maxTrainSamples: 1000, maxTestSamples: 500, scale: "minmax" },
      pruning: { criterion: "stdFold" },
      export: "all",
      backend: "wasm",
      threads: 2,
      out: "runs/x",
    });
  });

  it("reads the grid in the issue's form: --grid mean=... std=... as separate words", () => {
    const { overrides } = parsePruneArguments(["--grid", "mean=0,0.1,0.2,0.5", "std=0,0.2,0.4,1"]);
    expect(overrides).toEqual({ pruning: { means: [0, 0.1, 0.2, 0.5], stds: [0, 0.2, 0.4, 1] } });
  });

  it("reads the grid as one quoted string and rank keys", () => {
    const { overrides } = parsePruneArguments(["--grid", "keep=0.5,0.25 score=meanAbs"]);
    expect(overrides).toEqual({ pruning: { keepFractions: [0.5, 0.25], score: "meanAbs" } });
  });

  it("maps --prune-inputs onto pruning.inputStdThreshold, off when absent", () => {
    expect(parsePruneArguments(["--prune-inputs", "0.01"]).overrides).toEqual({ pruning: { inputStdThreshold: 0.01 } });
    expect(loadExperimentConfig(undefined, parsePruneArguments([]).overrides).pruning.inputStdThreshold).toBeNull();
    expect(() => parsePruneArguments(["--prune-inputs", "some"])).toThrow(/--prune-inputs: "some" is not a number/);
    expect(() => loadExperimentConfig(undefined, parsePruneArguments(["--prune-inputs=-1"]).overrides)).toThrow(
      /pruning\.inputStdThreshold/,
    );
    expect(PRUNE_USAGE).toContain("--prune-inputs <std>");
  });

  it("keeps a non-numeric label column as a name", () => {
    expect(parsePruneArguments(["--label-column", "species"]).overrides).toEqual({ labelColumn: "species" });
  });

  it.each([
    [["--epochs", "five"], /--epochs: "five" is not a number/],
    [["--hidden", "512,,128"], /--hidden: "" in "512,,128" is not a number/],
    [["--grid", "mean=0,abc"], /--grid mean: "abc" in "0,abc" is not a number/],
    [["--grid", "mean=NaN"], /--grid mean: "NaN" in "NaN" is not a number/],
    [["--grid", "depth=3"], /--grid: "depth=3" is not a key=values pair/],
    [["--hidden", ""], /--hidden: the list is empty/],
    [["--no-such-flag"], /Unknown option '--no-such-flag'/],
    [["--budget-bytes", "40kB"], /--budget-bytes: "40kB" is not a number/],
    [["--budget-drop", "half"], /--budget-drop: "half" is not a number/],
    [["--budget-latency", ""], /--budget-latency: "" is not a number/],
    [["--recover", "two"], /--recover: "two" is not a number/],
    [["--dtypes", "float32,,uint8"], /--dtypes: "float32,,uint8" has an empty entry/],
  ])("rejects %j with a message naming the flag", (argv, message) => {
    expect(() => parsePruneArguments(argv)).toThrow(ConfigError);
    expect(() => parsePruneArguments(argv)).toThrow(message);
  });
});

describe("parsePruneArguments' deployment flags", () => {
  it("map onto the config's deployment section", () => {
    const { overrides } = parsePruneArguments([
      "--budget-bytes",
      "40000",
      "--budget-drop",
      "0.5",
      "--budget-latency",
      "0.02",
      "--dtypes",
      "float16, uint8",
      "--recover",
      "2",
      "--recover-rows",
      "pareto",
      "--bundles",
      "pareto",
    ]);
    expect(overrides).toEqual({
      deployment: {
        budget: { maxBytes: 40000, maxAccuracyDropPoints: 0.5, maxLatencyMsPerSample: 0.02 },
        dtypes: ["float16", "uint8"],
        recoveryEpochs: 2,
        recover: "pareto",
        bundles: "pareto",
      },
    });
  });

  it("leave the config's deployment defaults alone when absent: no budget, every dtype, no recovery", () => {
    expect(parsePruneArguments([]).overrides).toEqual({});
    expect(loadExperimentConfig(undefined, {}).deployment).toEqual({
      dtypes: ["float32", "float16", "uint8"],
      recoveryEpochs: 0,
      recover: "answer",
      bundles: "answer",
    });
  });

  it("lay a budget flag over the config file's budget, field by field", () => {
    const path = join(mkdtempSync(join(tmpdir(), "deadweight-prune-args-")), "experiment.json");
    writeFileSync(path, JSON.stringify({ deployment: { budget: { maxBytes: 1000, maxAccuracyDropPoints: 2 } } }));
    const { overrides } = parsePruneArguments(["--budget-drop", "0.5"]);
    expect(loadExperimentConfig(path, overrides).deployment.budget).toEqual({
      maxBytes: 1000,
      maxAccuracyDropPoints: 0.5,
    });
  });

  it.each([
    [["--recover-rows", "all"], /deployment\.recover: /],
    [["--bundles", "every"], /deployment\.bundles: /],
    [["--dtypes", "float64"], /deployment\.dtypes\[0\]: /],
    [["--dtypes", "uint8,uint8"], /deployment\.dtypes: each dtype may appear only once/],
    [["--budget-drop", "0.5"], /deployment\.budget\.maxBytes: /],
    [["--budget-bytes", "0"], /deployment\.budget\.maxBytes: /],
    [["--recover", "1.5"], /deployment\.recoveryEpochs: /],
  ])("refuse %j through the config's validation, naming the field", (argv, message) => {
    const { overrides } = parsePruneArguments(argv);
    expect(() => loadExperimentConfig(undefined, overrides)).toThrow(ConfigError);
    expect(() => loadExperimentConfig(undefined, overrides)).toThrow(message);
  });

  it("are in the usage", () => {
    for (const flag of [
      "--budget-bytes",
      "--budget-drop",
      "--budget-latency",
      "--dtypes",
      "--recover ",
      "--recover-rows",
      "--bundles",
    ]) {
      expect(PRUNE_USAGE).toContain(flag);
    }
  });
});

describe("parsePruneArguments' schedule flags", () => {
  it("map onto the config's schedule section, whose defaults fill the rest", () => {
    const { overrides } = parsePruneArguments([
      "--rounds",
      "6",
      "--recover-epochs",
      "2",
      "--round-drop",
      "0.8",
      "--target-kept",
      "0.15",
      "--target-drop",
      "0.5",
    ]);
    expect(overrides).toEqual({
      schedule: { rounds: 6, recoverEpochs: 2, roundDrop: 0.8, targetKept: 0.15, targetDrop: 0.5 },
    });
    expect(loadExperimentConfig(undefined, parsePruneArguments(["--rounds", "3"]).overrides).schedule).toEqual({
      rounds: 3,
      recoverEpochs: 1,
      thresholds: "auto",
      roundDrop: 1,
    });
  });

  it("leave the schedule off when absent", () => {
    expect(loadExperimentConfig(undefined, {}).schedule).toBeUndefined();
  });

  it.each([
    ["mean=0.1,std=0.4", { kind: "meanStd", mean: 0.1, std: 0.4 }],
    ["std=0.2", { kind: "stdFold", std: 0.2 }],
    ["apoz=0.9", { kind: "apoz", apoz: 0.9 }],
    ["keep=0.5", { kind: "rank", keepFraction: 0.5, score: "std" }],
    ["keep=0.5,score=meanAbs", { kind: "rank", keepFraction: 0.5, score: "meanAbs" }],
  ])("read --round-threshold %s as a fixed threshold", (value, threshold) => {
    const config = loadExperimentConfig(undefined, parsePruneArguments(["--round-threshold", value]).overrides);
    expect(config.schedule).toMatchObject({ thresholds: "fixed", threshold });
  });

  it.each([
    [["--round-threshold", "mean=0.1"], /--round-threshold: "mean=0.1" is none of/],
    [["--round-threshold", "keep"], /--round-threshold: "keep" in "keep" is not a key=value pair/],
    [["--round-threshold", "keep=half"], /--round-threshold keep: "half" is not a number/],
    [["--rounds", "many"], /--rounds: "many" is not a number/],
  ])("refuse %j naming the flag", (argv, message) => {
    expect(() => parsePruneArguments(argv)).toThrow(ConfigError);
    expect(() => parsePruneArguments(argv)).toThrow(message);
  });

  it.each([
    [["--rounds", "0"], /schedule\.rounds: must be at least 1 round/],
    [["--recover-epochs", "0.5"], /schedule\.recoverEpochs: must be a whole number of epochs/],
    [["--target-kept", "2"], /schedule\.targetKept: must be a fraction of at most 1/],
    [["--round-threshold", "keep=0"], /schedule\.threshold\.keepFraction: /],
  ])("refuse %j through the config's validation, naming the field", (argv, message) => {
    const { overrides } = parsePruneArguments(argv);
    expect(() => loadExperimentConfig(undefined, overrides)).toThrow(message);
  });

  it("are in the usage", () => {
    for (const flag of [
      "--rounds",
      "--recover-epochs",
      "--round-drop",
      "--round-threshold",
      "--target-kept",
      "--target-drop",
    ]) {
      expect(PRUNE_USAGE).toContain(flag);
    }
  });
});
