import { describe, expect, it } from "vitest";
import { experimentConfigSchema, runSeedsOf, runsSeedsConflict } from "../src/experiment-config.js";
import { seedListFromText } from "../src/seed-list-text.js";

const issuesOf = (input: unknown) => {
  const parsed = experimentConfigSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
};

describe("the seeds of an experiment", () => {
  it("is off by default: one run with the config's seed, or `runs` runs counting up from it", () => {
    const config = experimentConfigSchema.parse({ seed: 5 });
    expect(config.seeds).toBeUndefined();
    expect(runSeedsOf(config, undefined)).toEqual([5]);
    expect(runSeedsOf(config, 3)).toEqual([5, 6, 7]);
  });

  it("queues exactly one run per listed seed, in the order listed", () => {
    const config = experimentConfigSchema.parse({ seeds: [11, 0, 7] });
    expect(runSeedsOf(config, undefined)).toEqual([11, 0, 7]);
    // The same count given as runs agrees with the list.
    expect(runSeedsOf(config, 3)).toEqual([11, 0, 7]);
  });

  it("refuses runs that disagree with the seeds, saying which to drop", () => {
    const config = experimentConfigSchema.parse({ seeds: [1, 2] });
    expect(runsSeedsConflict(config, 3)).toBe(
      "asks for 3 runs but the config lists 2 seeds (one run each): drop runs, or list 3 seeds",
    );
    expect(() => runSeedsOf(config, 3)).toThrow(/asks for 3 runs but the config lists 2 seeds/);
    expect(runsSeedsConflict(config, 2)).toBeNull();
    expect(runsSeedsConflict(experimentConfigSchema.parse({}), 4)).toBeNull();
  });

  it("refuses repeated, negative, fractional, too many or no seeds, naming the field", () => {
    expect(issuesOf({ seeds: [3, 4, 3] })).toEqual([
      "seeds: lists seed 3 twice; each seed gives one run, so list each once",
    ]);
    expect(issuesOf({ seeds: [-1] })).toEqual(["seeds.0: each seed must be 0 or more"]);
    expect(issuesOf({ seeds: [1.5] })).toEqual(["seeds.0: each seed must be a whole number"]);
    expect(issuesOf({ seeds: [] })).toEqual(["seeds: must list at least 1 seed"]);
    expect(issuesOf({ seeds: Array.from({ length: 21 }, (_, i) => i) })).toEqual(["seeds: must list at most 20 seeds"]);
    expect(issuesOf({ seeds: Array.from({ length: 20 }, (_, i) => i) })).toEqual([]);
  });
});

describe("seedListFromText", () => {
  it("reads comma-separated whole numbers, spaces allowed", () => {
    expect(seedListFromText("1, 2,3")).toEqual({ seeds: [1, 2, 3] });
    expect(seedListFromText(" 0 ")).toEqual({ seeds: [0] });
  });

  it("says which entry is not a seed", () => {
    expect(seedListFromText("1, two")).toEqual({
      error: '"two" is not a seed: list whole numbers of 0 or more separated by commas, e.g. "1, 2, 3"',
    });
    expect(seedListFromText("1,-2")).toMatchObject({ error: expect.stringContaining('"-2" is not a seed') });
    expect(seedListFromText("1.5")).toMatchObject({ error: expect.stringContaining('"1.5" is not a seed') });
    expect(seedListFromText("1,,2")).toMatchObject({ error: expect.stringContaining("has an empty entry") });
  });
});
