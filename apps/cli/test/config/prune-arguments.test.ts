import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/config-error.js";
import { parsePruneArguments } from "../../src/config/prune-arguments.js";

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
      "--criterion",
      "stdFold",
      "--export",
      "all",
      "--backend",
      "wasm",
      "--out",
      "runs/x",
    ]);
    expect(help).toBe(false);
    expect(configPath).toBe("exp.json");
    expect(overrides).toEqual({
      dataset: "csv:a.csv",
      labelColumn: 3,
      model: { hidden: [512, 256, 128], activation: "tanh" },
      training: { epochs: 5, batchSize: 64, learningRate: 0.01 },
      seed: 7,
      split: { validationFraction: 0.2, maxTrainSamples: 1000, maxTestSamples: 500 },
      pruning: { criterion: "stdFold" },
      export: "all",
      backend: "wasm",
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
  ])("rejects %j with a message naming the flag", (argv, message) => {
    expect(() => parsePruneArguments(argv)).toThrow(ConfigError);
    expect(() => parsePruneArguments(argv)).toThrow(message);
  });
});
