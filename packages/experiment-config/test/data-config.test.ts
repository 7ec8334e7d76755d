import { describe, expect, it } from "vitest";
import { defaultExperimentConfig, experimentConfigSchema, featureScalingOf } from "../src/experiment-config.js";

const issuesOf = (input: unknown) => {
  const parsed = experimentConfigSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
};

describe("the data section of an experiment", () => {
  it("standardises CSV features by default and detects a header", () => {
    const config = defaultExperimentConfig();
    expect(config.split.scale).toBe("standard");
    expect(config.header).toBeUndefined();
  });

  it("takes minmax, none, and a header said yes or no", () => {
    const config = experimentConfigSchema.parse({ split: { scale: "minmax" }, header: "no" });
    expect(config.split.scale).toBe("minmax");
    expect(config.header).toBe("no");
    expect(experimentConfigSchema.parse({ split: { scale: "none" } }).split.scale).toBe("none");
  });

  it("names the field of a scaling or header it does not know", () => {
    expect(issuesOf({ split: { scale: "zscore" } })).toEqual([
      'split.scale: Invalid option: expected one of "standard"|"minmax"|"none"',
    ]);
    expect(issuesOf({ header: "maybe" })).toEqual(['header: Invalid option: expected one of "yes"|"no"']);
  });

  it("scales CSV features as configured and leaves features a loader already scaled alone", () => {
    const config = experimentConfigSchema.parse({ split: { scale: "minmax" } });
    expect(featureScalingOf(config, null)).toBe("minmax");
    expect(featureScalingOf(config, "IDX pixels are divided by 255 as they load")).toBe("none");
  });
});
