import { describe, expect, it } from "vitest";
import { experimentConfigSchema } from "../src/experiment-config.js";

const issuesOf = (input: unknown) => {
  const parsed = experimentConfigSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
};

describe("the deployment section of an experiment", () => {
  it("defaults to every dtype, no budget, no recovery, bundles for the answer only", () => {
    expect(experimentConfigSchema.parse({}).deployment).toEqual({
      dtypes: ["float32", "float16", "uint8"],
      recoveryEpochs: 0,
      recover: "answer",
      bundles: "answer",
    });
  });

  it("takes a device budget of 256 KB and at most one point lost", () => {
    const config = experimentConfigSchema.parse({
      deployment: { budget: { maxBytes: 262_144, maxAccuracyDropPoints: 1 }, recoveryEpochs: 1, dtypes: ["uint8"] },
    });
    expect(config.deployment.budget).toEqual({ maxBytes: 262_144, maxAccuracyDropPoints: 1 });
    expect(config.deployment.dtypes).toEqual(["uint8"]);
  });

  it("names the field of nonsense: a zero budget, a negative drop, a repeated or unknown dtype, a typo", () => {
    expect(issuesOf({ deployment: { budget: { maxBytes: 0 } } })).toEqual([
      "deployment.budget.maxBytes: Too small: expected number to be >0",
    ]);
    expect(issuesOf({ deployment: { budget: { maxBytes: 10, maxAccuracyDropPoints: -1 } } })[0]).toMatch(
      /^deployment\.budget\.maxAccuracyDropPoints: /,
    );
    expect(issuesOf({ deployment: { dtypes: ["uint8", "uint8"] } })).toEqual([
      "deployment.dtypes: each dtype may appear only once",
    ]);
    expect(issuesOf({ deployment: { dtypes: ["int4"] } })[0]).toMatch(/^deployment\.dtypes\.0: /);
    expect(issuesOf({ deployment: { budgets: {} } })[0]).toMatch(/Unrecognized key: "budgets"/);
    expect(issuesOf({ deployment: { recoveryEpochs: 1.5 } })[0]).toMatch(/^deployment\.recoveryEpochs: /);
  });
});
