import { rejectedDeadweightError } from "@deadweight/test-support";
import { beforeAll, describe, expect, it } from "vitest";
import { measureModelActivations, trainBaseModel } from "../../src/experiment/experiment-stages.js";
import { disposeDenseLayers, uploadDenseLayer } from "../../src/model/dense-forward.js";
import { evaluateAccuracy } from "../../src/model/evaluate-accuracy.js";
import { type MlpWeights, parameterCount } from "../../src/model/mlp-weights.js";
import { type RecoveredRow, recoverSweepRows } from "../../src/recovery/recover-sweep-rows.js";
import type { ActivationStats } from "../../src/stats/activation-stats.js";
import { runThresholdSweep, type ThresholdSweep } from "../../src/sweep/run-threshold-sweep.js";
import { separableSplit } from "../synthetic-datasets.js";
import { expectNoTensorLeak } from "../tensor-leaks.js";

const SPLIT = separableSplit({ train: 240, validation: 100, test: 100 }, 6, 21);
const TRAINING = { epochs: 2, batchSize: 16, learningRate: 0.02, seed: 22 };

let weights: MlpWeights;
let stats: ActivationStats;
let sweep: ThresholdSweep;
let baseTrainingSeconds: number;

beforeAll(async () => {
  const base = await trainBaseModel(SPLIT, { hiddenSizes: [8, 6], activation: "relu", ...TRAINING });
  weights = base.weights;
  baseTrainingSeconds = base.training.seconds;
  stats = await measureModelActivations(weights, SPLIT.validation);
  sweep = await runThresholdSweep({
    weights,
    stats,
    validation: SPLIT.validation,
    test: SPLIT.test,
    thresholds: [
      { kind: "rank", keepFraction: 0.25, score: "std" },
      { kind: "rank", keepFraction: 0.5, score: "std" },
      { kind: "meanStd", mean: 1e6, std: 1e6 }, // empties every layer: no model
    ],
  });
});

function testAccuracyOf(recovered: MlpWeights): number {
  const layers = recovered.layers.map(uploadDenseLayer);
  try {
    return evaluateAccuracy(layers, SPLIT.test);
  } finally {
    disposeDenseLayers(layers);
  }
}

describe("recoverSweepRows", () => {
  it("stores recovered accuracy beside one-shot accuracy, with drops and cost against base training", async () => {
    const rows = sweep.rows.filter((row) => row.status === "ok");
    const progress: { done: number; total: number; rowId: string }[] = [];
    const recovered: RecoveredRow[] = await recoverSweepRows({
      weights,
      stats,
      rows,
      base: sweep.base,
      baseTrainingSeconds,
      split: SPLIT,
      training: { ...TRAINING, epochs: 3 },
      onProgress: ({ done, total, rowId, training }) => {
        if (training === undefined) progress.push({ done, total, rowId });
      },
    });
    expect(recovered.map((row) => row.rowId)).toEqual(["keep0.25-std", "keep0.5-std"]);
    expect(progress).toEqual([
      { done: 1, total: 2, rowId: "keep0.25-std" },
      { done: 2, total: 2, rowId: "keep0.5-std" },
    ]);
    for (const [index, row] of recovered.entries()) {
      const swept = rows[index];
      expect(row.oneShot).toEqual({ validationAccuracy: swept?.validationAccuracy, testAccuracy: swept?.testAccuracy });
      expect(row.parameters).toBe(swept?.parameters);
      expect(parameterCount(row.weights)).toBe(swept?.parameters);
      // Same evaluation of the same weights: exact.
      expect(row.recovered.testAccuracy).toBe(testAccuracyOf(row.weights));
      expect(row.recoveredTestAccuracyDrop).toBe(100 * (sweep.base.testAccuracy - row.recovered.testAccuracy));
      expect(row.recoveredValidationAccuracyDrop).toBe(
        100 * (sweep.base.validationAccuracy - row.recovered.validationAccuracy),
      );
      expect(row.epochs).toBe(3);
      expect(row.costRelativeToBaseTraining).toBe(row.seconds / baseTrainingSeconds);
    }
    // Keeping a quarter of the neurons hurts; three epochs of fine-tuning win accuracy back on this fixture.
    const quarter = recovered[0] as RecoveredRow;
    expect(quarter.oneShot.validationAccuracy).toBeLessThan(sweep.base.validationAccuracy);
    expect(quarter.recovered.validationAccuracy).toBeGreaterThan(quarter.oneShot.validationAccuracy);
  });

  it("refuses a row without a model and a non-positive base training time with INVALID_OPTION", async () => {
    const emptied = sweep.rows.filter((row) => row.status !== "ok");
    const input = { weights, stats, base: sweep.base, baseTrainingSeconds, split: SPLIT, training: TRAINING };
    const noModel = await rejectedDeadweightError(recoverSweepRows({ ...input, rows: emptied }));
    expect(noModel.code).toBe("INVALID_OPTION");
    expect(noModel.message).toContain('row "mean1000000-std1000000" has no pruned model to fine-tune');
    const ok = sweep.rows.filter((row) => row.status === "ok");
    const noTime = await rejectedDeadweightError(recoverSweepRows({ ...input, rows: ok, baseTrainingSeconds: 0 }));
    expect(noTime.message).toContain("baseTrainingSeconds must be positive");
  });

  it("does not leak tensors", async () => {
    const rows = sweep.rows.filter((row) => row.status === "ok").slice(0, 1);
    await expectNoTensorLeak(() =>
      recoverSweepRows({
        weights,
        stats,
        rows,
        base: sweep.base,
        baseTrainingSeconds,
        split: SPLIT,
        training: { ...TRAINING, epochs: 1 },
      }),
    );
  });
});
