import { describe, expect, it } from "vitest";
import { experimentConfigSchema } from "../src/experiment-config.js";
import {
  DEFAULT_EXPERIMENT_LIMITS,
  experimentLimitViolations,
  parseExperimentLimits,
} from "../src/experiment-limits.js";
import { unsafeCharacterIn } from "../src/text-safety.js";

const fieldsPastLimits = (input: unknown, limits = DEFAULT_EXPERIMENT_LIMITS) =>
  experimentLimitViolations(experimentConfigSchema.parse(input), limits).map((violation) => violation.field);

describe("experiment limits", () => {
  it("accepts the default experiment and the README's demos", () => {
    expect(fieldsPastLimits({})).toEqual([]);
    expect(fieldsPastLimits({ dataset: "csv:datasets/iris/iris.csv", model: { hidden: [16, 8] } })).toEqual([]);
  });

  it("refuses a billion-unit layer, naming the layer and the limit", () => {
    const [violation, ...others] = experimentLimitViolations(
      experimentConfigSchema.parse({ model: { hidden: [64, 1_000_000_000] } }),
      DEFAULT_EXPERIMENT_LIMITS,
    );
    expect(others).toEqual([]);
    expect(violation?.field).toBe("model.hidden[1]");
    expect(violation?.message).toContain("1000000000 units in a hidden layer");
    expect(violation?.message).toContain("maxHiddenUnits: 8192");
  });

  it("refuses too many layers, epochs, a huge batch and too many samples", () => {
    expect(
      fieldsPastLimits({
        model: { hidden: Array.from({ length: 17 }, () => 4) },
        training: { epochs: 1e9, batchSize: 1e12 },
        split: { maxTrainSamples: 1e9, maxTestSamples: 10 },
      }),
    ).toEqual(["model.hidden", "training.epochs", "training.batchSize", "split.maxTrainSamples"]);
  });

  it("counts the sweep's thresholds as the sweep does, against the row limit", () => {
    const grid = (means: number, stds: number) => ({
      pruning: {
        means: Array.from({ length: means }, (_, i) => i / means),
        stds: Array.from({ length: stds }, (_, i) => i / stds),
      },
    });
    expect(fieldsPastLimits(grid(120, 100))).toEqual(["pruning"]);
    expect(fieldsPastLimits(grid(100, 100))).toEqual([]);
    // Repeated values are one threshold in the sweep, so they do not count twice.
    expect(
      fieldsPastLimits(
        { pruning: { means: [0.1, 0.1, 0.1], stds: [0.4] } },
        { ...DEFAULT_EXPERIMENT_LIMITS, maxSweepRows: 1 },
      ),
    ).toEqual([]);
    expect(
      fieldsPastLimits(
        { pruning: { criterion: "stdFold", stds: [0.1, 0.2, 0.3] } },
        { ...DEFAULT_EXPERIMENT_LIMITS, maxSweepRows: 2 },
      ),
    ).toEqual(["pruning"]);
  });

  it("refuses a million-character dataset and control or bidi characters in the texts people see", () => {
    expect(fieldsPastLimits({ dataset: "x".repeat(1_000_000) })).toEqual(["dataset"]);
    expect(fieldsPastLimits({ dataset: "csv:a\u0000.csv" })).toEqual(["dataset"]);
    expect(fieldsPastLimits({ dataset: "csv:x.csv", labelColumn: "evil\u202Etxt.exe", out: "runs/a" })).toEqual([
      "labelColumn",
    ]);
  });

  it("reads an operator's limits from JSON, the others at their defaults, and says what is wrong", () => {
    expect(parseExperimentLimits(undefined)).toEqual(DEFAULT_EXPERIMENT_LIMITS);
    expect(parseExperimentLimits('{"maxEpochs": 5}')).toEqual({ ...DEFAULT_EXPERIMENT_LIMITS, maxEpochs: 5 });
    expect(() => parseExperimentLimits("{maxEpochs: 5}")).toThrow(/expected a JSON object of limits/);
    expect(() => parseExperimentLimits('{"maxEpoch": 5}')).toThrow(/maxEpoch/);
    expect(() => parseExperimentLimits('{"maxSweepRows": 20000}')).toThrow(/maxSweepRows: must be at most 10000/);
    expect(() => parseExperimentLimits('{"maxEpochs": 0}')).toThrow(/maxEpochs: must be at least 1/);
  });
});

describe("unsafe characters", () => {
  it("finds control and bidirectional characters and says which and where", () => {
    expect(unsafeCharacterIn("plain name, with ünïcode and emoji 🙂")).toBeNull();
    expect(unsafeCharacterIn("ab\u202Ecd")).toBe("U+202E (RIGHT-TO-LEFT OVERRIDE) at position 3");
    expect(unsafeCharacterIn("\u0000")).toBe("U+0000 (a control character) at position 1");
    expect(unsafeCharacterIn("a\u001b[31m")).toBe("U+001B (a control character) at position 2");
    expect(unsafeCharacterIn("x\u2066")).toBe("U+2066 (LEFT-TO-RIGHT ISOLATE) at position 2");
  });
});
