import { describe, expect, it } from "vitest";
import { answeredVariant, budgetCandidateOf, chooseByBudget } from "../../src/deployment/choose-by-budget.js";
import { chosenVariant } from "../../src/deployment/chosen-variant.js";
import { deploymentNote } from "../../src/deployment/deployment-note.js";
import type { DeploymentSettings } from "../../src/deployment/deployment-settings.js";
import { rowsToMeasure } from "../../src/deployment/rows-to-measure.js";
import { rowsToRecover } from "../../src/deployment/rows-to-recover.js";
import { variantsToExport } from "../../src/deployment/variants-to-export.js";
import { suggestedRow } from "../../src/sweep/suggested-row.js";
import {
  BASE,
  GONE,
  KEEP_ALL,
  MID,
  measuredBundle,
  ONE_SHOT,
  ROWS,
  recoveredRow,
  SMALL,
  variant,
} from "./deployment-fixtures.js";

const SETTINGS: DeploymentSettings = {
  dtypes: ["float32", "uint8"],
  recoveryEpochs: 0,
  recover: "answer",
  bundles: "answer",
};
const VARIANTS = [ONE_SHOT.small, ONE_SHOT.mid, ONE_SHOT.keepAll];

describe("the deployment's rows to measure", () => {
  it("is the suggested row alone without a budget, when neither recovery nor export asks for the Pareto rows", () => {
    expect(suggestedRow(ROWS, { verdict: "learned" })).toBe(MID);
    expect(rowsToMeasure(ROWS, MID, SETTINGS)).toEqual([MID]);
    expect(rowsToMeasure(ROWS, null, SETTINGS)).toEqual([]);
  });

  it("is every Pareto row with a model (and the suggestion), smallest first, with a budget or a Pareto setting", () => {
    const frontier = ["small", "mid", "keep-all"];
    const ids = (settings: Partial<DeploymentSettings>) =>
      rowsToMeasure(ROWS, MID, { ...SETTINGS, ...settings }).map((row) => row.id);
    expect(ids({ budget: { maxBytes: 1000 } })).toEqual(frontier);
    expect(ids({ bundles: "pareto" })).toEqual(frontier);
    expect(ids({ recover: "pareto" })).toEqual(frontier);
  });
});

describe("the budget's choice over measured variants", () => {
  it("is null without a budget or without variants", () => {
    expect(chooseByBudget(VARIANTS, BASE, undefined)).toBeNull();
    expect(chooseByBudget([], BASE, { maxBytes: 1000 })).toBeNull();
  });

  it("chooses on validation accuracy after reloading, per dtype, named <row>/<version>", () => {
    // Within 700 bytes: mid float32 (0.2 points lost) is the most accurate.
    const answer = chooseByBudget(VARIANTS, BASE, { maxBytes: 700 });
    expect(answer).toMatchObject({
      fits: true,
      best: { candidateId: "mid/one-shot", weightDtype: "float32", bytes: 600 },
    });
    expect(answer?.fits && answer.best.accuracyDropPoints).toBeCloseTo(0.2, 9); // (0.9 - 0.898) * 100
    expect(answeredVariant(VARIANTS, answer!)).toBe(ONE_SHOT.mid);
  });

  it("does not let a row without a latency fit a latency limit, and says which one lacks it", () => {
    // Read as 0 ms, mid (no latency) would win again; it lacks the measurement, so keep-all uint8 does.
    const answer = chooseByBudget(VARIANTS, BASE, { maxBytes: 700, maxLatencyMsPerSample: 1 });
    expect(answer).toMatchObject({ fits: true, best: { candidateId: "keep-all/one-shot", weightDtype: "uint8" } });
    expect(answer?.explanation).toContain(
      "Left out, as a missing measurement meets no limit: mid/one-shot as float32 (no latency measurement), mid/one-shot as uint8 (no latency measurement).",
    );
    // Only unmeasured rows within the bytes: nothing fits, and the answer says what is missing.
    const onlyMid = chooseByBudget([ONE_SHOT.mid], BASE, { maxBytes: 700, maxLatencyMsPerSample: 1 });
    expect(onlyMid).toMatchObject({
      fits: false,
      missing: [{ constraint: "maxLatencyMsPerSample", limit: 1, actual: null, excess: null }],
    });
    expect(onlyMid?.explanation).toContain("has no latency measurement");
  });

  it("does not let a bundle without a validation accuracy fit an accuracy limit", () => {
    expect(budgetCandidateOf(ONE_SHOT.small, BASE).bundles).toEqual([
      { weightDtype: "float32", bytes: 300, accuracyDropPoints: expect.closeTo(3, 9) },
      { weightDtype: "uint8", bytes: 150, accuracyDropPoints: null },
    ]);
    // Read as a perfect bundle, the smaller uint8 would win; it lacks the measurement, so float32 does.
    const answer = chooseByBudget([ONE_SHOT.small], BASE, { maxBytes: 400, maxAccuracyDropPoints: 10 });
    expect(answer).toMatchObject({ fits: true, best: { candidateId: "small/one-shot", weightDtype: "float32" } });
    expect(answer?.explanation).toContain("small/one-shot as uint8 (no accuracy measurement)");
    // Alone, the unmeasured bundle fits nothing with an accuracy limit, however small it is.
    const unmeasured = variant(SMALL, "one-shot", [measuredBundle("uint8", 150, null)]);
    const alone = chooseByBudget([unmeasured], BASE, { maxBytes: 200, maxAccuracyDropPoints: 10 });
    expect(alone).toMatchObject({
      fits: false,
      missing: [{ constraint: "maxAccuracyDropPoints", limit: 10, actual: null, excess: null }],
    });
    expect(alone?.explanation).toContain("has no accuracy measurement");
  });
});

describe("the rows recovery fine-tunes", () => {
  const input = { settings: { ...SETTINGS, recoveryEpochs: 2 }, measured: [SMALL, MID, KEEP_ALL], answered: null };

  it("are none without recovery epochs or measured rows", () => {
    expect(rowsToRecover({ ...input, settings: SETTINGS, suggested: MID })).toEqual([]);
    expect(rowsToRecover({ ...input, measured: [], suggested: MID })).toEqual([]);
  });

  it("are the budget's answer, else the suggested row, else none (recover: answer)", () => {
    expect(rowsToRecover({ ...input, answered: SMALL, suggested: MID })).toEqual([SMALL]);
    expect(rowsToRecover({ ...input, suggested: MID })).toEqual([MID]);
    expect(rowsToRecover({ ...input, suggested: null })).toEqual([]);
  });

  it("are every measured row (recover: pareto)", () => {
    const settings = { ...input.settings, recover: "pareto" as const };
    expect(rowsToRecover({ ...input, settings, answered: SMALL, suggested: MID })).toEqual([SMALL, MID, KEEP_ALL]);
  });
});

describe("the chosen variant", () => {
  const recoveredMid = variant(MID, "recovered", [measuredBundle("float32", 600, 0.9)], recoveredRow(MID));

  it("is the variant the budget answered with, even when nothing fits", () => {
    const tooSmall = chooseByBudget(VARIANTS, BASE, { maxBytes: 10 });
    expect(tooSmall?.fits).toBe(false);
    // Closest: small uint8 (150 bytes, the smallest).
    expect(chosenVariant(VARIANTS, tooSmall, MID)).toBe(ONE_SHOT.small);
  });

  it("without a budget is the suggested row's recovered variant first, else its one-shot one, else none", () => {
    expect(chosenVariant([...VARIANTS, recoveredMid], null, MID)).toBe(recoveredMid);
    expect(chosenVariant(VARIANTS, null, MID)).toBe(ONE_SHOT.mid);
    expect(chosenVariant(VARIANTS, null, null)).toBeNull();
    expect(chosenVariant([ONE_SHOT.small], null, MID)).toBeNull();
  });
});

describe("the variants exported", () => {
  it("are every measured variant (pareto) or the chosen one alone (answer)", () => {
    expect(variantsToExport(VARIANTS, ONE_SHOT.mid, "pareto")).toEqual(VARIANTS);
    expect(variantsToExport(VARIANTS, ONE_SHOT.mid, "answer")).toEqual([ONE_SHOT.mid]);
    expect(variantsToExport(VARIANTS, null, "answer")).toEqual([]);
  });
});

describe("the deployment note", () => {
  it("is null when a variant was chosen", () => {
    expect(deploymentNote(ONE_SHOT.mid, ROWS)).toBeNull();
  });

  it("says there is nothing to deploy when no threshold left a model", () => {
    expect(deploymentNote(null, [GONE])).toBe("no threshold left a usable model, so there is nothing to deploy");
  });

  it("says no row was suggested (and how to choose one) when models exist but none is close enough", () => {
    expect(deploymentNote(null, ROWS)).toBe(
      "no row keeps validation accuracy within 0.5 points of the base model, so none was suggested; set a device budget to choose one",
    );
  });
});
