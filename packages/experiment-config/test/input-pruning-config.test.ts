import { describe, expect, it } from "vitest";
import { defaultExperimentConfig, experimentConfigSchema, experimentSettingsOf } from "../src/experiment-config.js";

const issuesOf = (input: unknown) => {
  const parsed = experimentConfigSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
};

describe("input pruning in an experiment", () => {
  it("is off by default: every input is kept", () => {
    const config = defaultExperimentConfig();
    expect(config.pruning.inputStdThreshold).toBeNull();
    expect(experimentSettingsOf(config).inputPruning).toBeUndefined();
  });

  it("takes a std threshold and hands it to the core's settings", () => {
    const config = experimentConfigSchema.parse({ pruning: { inputStdThreshold: 0.02 } });
    expect(experimentSettingsOf(config).inputPruning).toEqual({ stdThreshold: 0.02 });
    expect(
      experimentSettingsOf(experimentConfigSchema.parse({ pruning: { inputStdThreshold: 0 } })).inputPruning,
    ).toEqual({
      stdThreshold: 0,
    });
  });

  it("names the field of a negative or non-numeric threshold", () => {
    expect(issuesOf({ pruning: { inputStdThreshold: -1 } })).toEqual([
      "pruning.inputStdThreshold: Too small: expected number to be >=0",
    ]);
    expect(issuesOf({ pruning: { inputStdThreshold: "all" } })).toEqual([
      "pruning.inputStdThreshold: Invalid input: expected number, received string",
    ]);
  });
});
