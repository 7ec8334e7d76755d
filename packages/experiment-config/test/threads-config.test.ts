import { describe, expect, it } from "vitest";
import { defaultExperimentConfig, experimentConfigSchema, experimentSettingsOf } from "../src/experiment-config.js";

const issuesOf = (input: unknown) => {
  const parsed = experimentConfigSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
};

describe("the threads setting of an experiment", () => {
  it("is 1 by default and reaches the core's settings", () => {
    expect(defaultExperimentConfig().threads).toBe(1);
    expect(experimentSettingsOf(experimentConfigSchema.parse({ threads: 4 })).threads).toBe(4);
  });

  it("names the field of a thread count that is not a whole number of at least 1", () => {
    expect(issuesOf({ threads: 0 })).toEqual(["threads: must be at least 1"]);
    expect(issuesOf({ threads: 1.5 })).toEqual(["threads: must be a whole number"]);
  });
});
