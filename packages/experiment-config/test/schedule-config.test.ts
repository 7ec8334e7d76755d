import { describe, expect, it } from "vitest";
import { experimentConfigSchema, pruneScheduleSettingsOf } from "../src/experiment-config.js";
import { DEFAULT_EXPERIMENT_LIMITS, experimentLimitViolations } from "../src/experiment-limits.js";

const issuesOf = (input: unknown) => {
  const parsed = experimentConfigSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
};

describe("the schedule section of an experiment", () => {
  it("is off by default: no schedule, no schedule settings", () => {
    const config = experimentConfigSchema.parse({});
    expect(config.schedule).toBeUndefined();
    expect(pruneScheduleSettingsOf(config)).toBeNull();
  });

  it("fills every default of an empty schedule: 5 rounds, 1 recovery epoch, auto thresholds within 1 point", () => {
    const config = experimentConfigSchema.parse({
      schedule: {},
      pruning: { criterion: "rank", keepFractions: [0.5, 0.8] },
    });
    expect(config.schedule).toEqual({ rounds: 5, recoverEpochs: 1, thresholds: "auto", roundDrop: 1 });
    expect(pruneScheduleSettingsOf(config)).toEqual({
      // Auto thresholds choose among the sweep's.
      thresholds: {
        kind: "auto",
        candidates: [
          { kind: "rank", keepFraction: 0.5, score: "std" },
          { kind: "rank", keepFraction: 0.8, score: "std" },
        ],
        maxRoundDrop: 1,
      },
      recoverEpochs: 1,
      maxRounds: 5,
      targetKeptFraction: null,
      maxTotalDrop: null,
    });
  });

  it("takes a fixed threshold and both targets", () => {
    const config = experimentConfigSchema.parse({
      schedule: {
        rounds: 8,
        thresholds: "fixed",
        threshold: { kind: "meanStd", mean: 0.1, std: 0.4 },
        targetKept: 0.15,
        targetDrop: 0.5,
      },
    });
    expect(pruneScheduleSettingsOf(config)).toEqual({
      thresholds: { kind: "fixed", threshold: { kind: "meanStd", mean: 0.1, std: 0.4 } },
      recoverEpochs: 1,
      maxRounds: 8,
      targetKeptFraction: 0.15,
      maxTotalDrop: 0.5,
    });
  });

  it("names the field of nonsense", () => {
    expect(issuesOf({ schedule: { rounds: 0 } })).toEqual(["schedule.rounds: must be at least 1 round"]);
    expect(issuesOf({ schedule: { recoverEpochs: 0.5 } })).toEqual([
      "schedule.recoverEpochs: must be a whole number of epochs",
    ]);
    expect(issuesOf({ schedule: { targetKept: 0 } })).toEqual(["schedule.targetKept: must be a fraction above 0"]);
    expect(issuesOf({ schedule: { targetKept: 1.5 } })).toEqual([
      "schedule.targetKept: must be a fraction of at most 1",
    ]);
    expect(issuesOf({ schedule: { roundDrop: -1 } })).toEqual(["schedule.roundDrop: must be 0 or more points"]);
    expect(issuesOf({ schedule: { thresholds: "fixed" } })[0]).toMatch(
      /^schedule\.threshold: is required with thresholds "fixed"/,
    );
    expect(issuesOf({ schedule: { threshold: { kind: "rank", keepFraction: 0.5, score: "std" } } })[0]).toMatch(
      /^schedule\.threshold: is only read with thresholds "fixed"/,
    );
    expect(issuesOf({ schedule: { thresholds: "fixed", threshold: { kind: "meanStd", mean: 0.1 } } })[0]).toMatch(
      /^schedule\.threshold\.std: /,
    );
    expect(issuesOf({ schedule: { round: 3 } })[0]).toMatch(/Unrecognized key: "round"/);
  });

  it("holds rounds and all rounds' recovery epochs to the server's limits", () => {
    const violations = experimentLimitViolations(
      experimentConfigSchema.parse({ schedule: { rounds: 50, recoverEpochs: 30 } }),
      DEFAULT_EXPERIMENT_LIMITS,
    );
    expect(violations.map((violation) => violation.field)).toEqual(["schedule.rounds", "schedule.recoverEpochs"]);
    expect(violations[0]?.message).toContain(
      "50 schedule rounds is more than this server allows (maxScheduleRounds: 20)",
    );
    expect(violations[1]?.message).toContain("1500 recovery epochs in all (50 rounds x 30)");
    expect(
      experimentLimitViolations(experimentConfigSchema.parse({ schedule: { rounds: 20 } }), DEFAULT_EXPERIMENT_LIMITS),
    ).toEqual([]);
  });

  it("counts rounds as result rows beside the sweep's", () => {
    const means = Array.from({ length: 100 }, (_, i) => i / 100);
    const violations = experimentLimitViolations(
      experimentConfigSchema.parse({ pruning: { means, stds: means }, schedule: { rounds: 3 } }),
      { ...DEFAULT_EXPERIMENT_LIMITS, maxScheduleRounds: 20 },
    );
    expect(violations.map((violation) => violation.field)).toEqual(["schedule.rounds"]);
    expect(violations[0]?.message).toContain("10003 result rows");
  });
});
