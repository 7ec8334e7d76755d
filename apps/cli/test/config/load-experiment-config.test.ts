import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expandThresholdGrid } from "@deadweight/core";
import { thresholdGridOf } from "@deadweight/experiment-config";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/config-error.js";
import { loadExperimentConfig } from "../../src/config/load-experiment-config.js";

function configFile(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "deadweight-config-")), "experiment.json");
  writeFileSync(path, content);
  return path;
}

function errorOf(work: () => unknown): ConfigError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("loadExperimentConfig", () => {
  it("fills the README demo's defaults: MNIST, 512-256-128 relu, 5 epochs, a 30-point grid with the post's two headline points", () => {
    const config = loadExperimentConfig(undefined, {});
    expect(config.dataset).toBe("mnist");
    expect(config.model).toEqual({ hidden: [512, 256, 128], activation: "relu" });
    expect(config.training).toEqual({ epochs: 5, batchSize: 128, learningRate: 0.001 });
    expect(config.split.validationFraction).toBe(0.1);
    const thresholds = expandThresholdGrid(thresholdGridOf(config));
    expect(thresholds).toHaveLength(30);
    expect(thresholds).toContainEqual({ kind: "meanStd", mean: 0.1, std: 0.4 });
    expect(thresholds).toContainEqual({ kind: "meanStd", mean: 0.5, std: 1 });
  });

  it("lays flags over the config file, field by field", () => {
    const path = configFile(JSON.stringify({ training: { epochs: 2, batchSize: 32 }, seed: 3 }));
    const config = loadExperimentConfig(path, { training: { epochs: 9 } });
    expect(config.training).toEqual({ epochs: 9, batchSize: 32, learningRate: 0.001 });
    expect(config.seed).toBe(3);
  });

  it("builds the grid of each criterion", () => {
    const config = loadExperimentConfig(undefined, {
      pruning: { criterion: "rank", keepFractions: [0.5], score: "meanAbs" },
    });
    expect(thresholdGridOf(config)).toEqual({ kind: "rank", keepFractions: [0.5], score: "meanAbs" });
  });

  it.each([
    [{ model: { hidden: [512, 0, 128] } }, "model.hidden[1]"],
    [{ model: { hidden: [-3] } }, "model.hidden[0]"],
    [{ model: { hidden: [] } }, "model.hidden"],
    [{ pruning: { means: [0.1, -0.2] } }, "pruning.means[1]"],
    [{ pruning: { stds: [] } }, "pruning.stds"],
    [{ pruning: { apoz: [1.5] } }, "pruning.apoz[0]"],
    [{ pruning: { keepFractions: [0] } }, "pruning.keepFractions[0]"],
    [{ training: { epochs: 1.5 } }, "training.epochs"],
    [{ split: { validationFraction: 1 } }, "split.validationFraction"],
    [{ model: { activation: "sigmoid" } }, "model.activation"],
    [{ epochz: 3 }, "(top level)"],
  ])("rejects %j naming the field %s", (overrides, field) => {
    const error = errorOf(() => loadExperimentConfig(undefined, overrides));
    expect(error.message).toContain(`${field}:`);
    expect(error.message).toContain("command-line flags");
  });

  it("names the config file in its errors", () => {
    const path = configFile(JSON.stringify({ pruning: { stds: [0.4, "high"] } }));
    const error = errorOf(() => loadExperimentConfig(path, {}));
    expect(error.message).toContain(path);
    expect(error.message).toContain("pruning.stds[1]:");
  });

  it("explains a missing file, invalid JSON and a non-object", () => {
    expect(errorOf(() => loadExperimentConfig("/nonexistent/exp.json", {})).message).toContain(
      "config file /nonexistent/exp.json does not exist",
    );
    const broken = configFile("{ epochs: 3 ");
    expect(errorOf(() => loadExperimentConfig(broken, {})).message).toContain("is not valid JSON");
    const list = configFile("[1, 2]");
    expect(errorOf(() => loadExperimentConfig(list, {})).message).toContain("must hold a JSON object");
  });
});
