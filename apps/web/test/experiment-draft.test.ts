import { type ExperimentConfig, experimentConfigSchema } from "@deadweight/experiment-config";
import { describe, expect, it } from "vitest";
import {
  type Criterion,
  draftOf,
  type ExperimentDraft,
  submissionOf,
} from "../src/components/experiments/experiment-draft";

// The CLI validates its config file and flags with the same schema (apps/cli/src/config/load-experiment-config.ts),
// so `experimentConfigSchema.parse({})` is exactly what `deadweight prune` runs with no flags.
const CLI_DEFAULTS = experimentConfigSchema.parse({});

/** What the API stores for a form submitted as it stands: the submission validated and defaulted. */
function submittedConfig(draft: ExperimentDraft): ExperimentConfig {
  const { input, errors } = submissionOf(draft);
  expect(errors).toEqual({});
  return experimentConfigSchema.parse(input.config);
}

describe("the New-experiment form's draft", () => {
  it("submits, untouched, exactly the configuration the CLI runs with no flags", () => {
    // No exceptions: the page adds only the project id, which sits beside the configuration, not in it.
    expect(submittedConfig(draftOf())).toEqual(CLI_DEFAULTS);
    expect(submissionOf(draftOf()).input.runs).toBe(1);
  });

  it.each<Criterion>(["meanStd", "stdFold", "apoz", "rank"])(
    "sweeps the CLI's default grid when only the criterion is switched to %s",
    (criterion) => {
      expect(submittedConfig({ ...draftOf(), criterion })).toEqual(
        experimentConfigSchema.parse({ pruning: { criterion } }),
      );
    },
  );

  // Every field the form shows, away from its default. Not shown by the form, so left at their defaults:
  // labelColumn, header, pruning.score, export, backend and out (a CLI output folder, meaningless on a server).
  const CHANGED = experimentConfigSchema.parse({
    dataset: "idx:/data/fashion",
    split: { validationFraction: 0.2, maxTrainSamples: 3000, maxTestSamples: 1000, scale: "minmax" },
    model: { hidden: [32, 16], activation: "tanh" },
    training: { epochs: 1, batchSize: 64, learningRate: 0.003 },
    pruning: { means: [0, 0.25], stds: [0.5, 2], inputStdThreshold: 0 },
    schedule: {
      rounds: 8,
      recoverEpochs: 2,
      thresholds: "fixed",
      threshold: { kind: "rank", keepFraction: 0.75, score: "std" },
      targetKept: 0.1,
      targetDrop: 0.8,
    },
    deployment: {
      budget: { maxBytes: 40 * 1024, maxAccuracyDropPoints: 5, maxLatencyMsPerSample: 0.25 },
      dtypes: ["uint8"],
      recoveryEpochs: 1,
      recover: "pareto",
      bundles: "pareto",
    },
    seed: 7,
    seeds: [7, 8],
  });

  it("sends listed seeds instead of a runs count, and names a bad seed on the Seeds field", () => {
    const withSeeds = submissionOf({ ...draftOf(), seeds: "3, 1,2", runs: "4" });
    expect(withSeeds.errors).toEqual({});
    expect(withSeeds.input.runs).toBeUndefined();
    expect(withSeeds.input.config.seeds).toEqual([3, 1, 2]);
    expect(submissionOf({ ...draftOf(), seeds: "3, x" }).errors).toEqual({
      "config.seeds": '"x" is not a seed: list whole numbers of 0 or more separated by commas, e.g. "1, 2, 3"',
    });
    // Blank: no seeds, the runs count as before.
    expect(submissionOf({ ...draftOf(), seeds: "  " }).input).toMatchObject({ runs: 1 });
    expect(submissionOf({ ...draftOf(), seeds: "  " }).input.config).not.toHaveProperty("seeds");
  });

  it("shows any configuration so that submitting it unchanged gives the same configuration back", () => {
    expect(submittedConfig(draftOf(CHANGED))).toEqual(CHANGED);
  });

  it.each([
    { pruning: { criterion: "stdFold", stds: [0.3] } },
    { pruning: { criterion: "apoz", apoz: [0.6, 0.9] } },
    { pruning: { criterion: "rank", keepFractions: [0.25, 0.5] } },
  ])("gives back the grid of $pruning.criterion", (changed) => {
    const config = experimentConfigSchema.parse(changed);
    expect(submittedConfig(draftOf(config))).toEqual(config);
  });

  it("sends a schedule only when it is checked: the sweep's largest cut within a drop, or a fixed keep by std", () => {
    const auto = experimentConfigSchema.parse({ schedule: { rounds: 3, recoverEpochs: 1, roundDrop: 2 } });
    expect(submittedConfig(draftOf(auto))).toEqual(auto);
    expect(submittedConfig({ ...draftOf(auto), scheduleOn: false })).toEqual(CLI_DEFAULTS);
    // Checked on the defaults: the schema's schedule; "keep" offers 75% by std until changed.
    expect(submittedConfig({ ...draftOf(), scheduleOn: true }).schedule).toEqual(
      experimentConfigSchema.parse({ schedule: {} }).schedule,
    );
    expect(submittedConfig({ ...draftOf(), scheduleOn: true, scheduleCut: "keep" }).schedule).toMatchObject({
      thresholds: "fixed",
      threshold: { kind: "rank", keepFraction: 0.75, score: "std" },
    });
  });

  it("names the schedule's and the input threshold's bad values on their fields", () => {
    const { errors } = submissionOf({
      ...draftOf(),
      scheduleOn: true,
      scheduleCut: "keep",
      scheduleRounds: "",
      scheduleKeep: "most",
      scheduleTargetDrop: "1pt",
      inputStdThreshold: "low",
    });
    expect(errors).toEqual({
      "config.schedule.rounds": "required",
      "config.schedule.threshold.keepFraction": '"most" is not a number',
      "config.schedule.targetDrop": '"1pt" is not a number',
      "config.pruning.inputStdThreshold": '"low" is not a number',
    });
  });
});
