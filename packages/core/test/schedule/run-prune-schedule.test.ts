import { rejectedDeadweightError } from "@deadweight/test-support";
import { beforeAll, describe, expect, it } from "vitest";
import { measureModelActivations, trainBaseModel } from "../../src/experiment/experiment-stages.js";
import { exportLayersModel, importLayersModel } from "../../src/export/layers-model-files.js";
import { disposeDenseLayers, uploadDenseLayer } from "../../src/model/dense-forward.js";
import { evaluateAccuracy } from "../../src/model/evaluate-accuracy.js";
import { type MlpWeights, parameterCount } from "../../src/model/mlp-weights.js";
import type { PruningThreshold } from "../../src/pruning/pruning-threshold.js";
import type { PruneScheduleSettings, ScheduleRound } from "../../src/schedule/prune-schedule.js";
import { type PruneScheduleInput, runPruneSchedule } from "../../src/schedule/run-prune-schedule.js";
import { roundNetworks, scheduleRoundRows } from "../../src/schedule/schedule-round-rows.js";
import { runThresholdSweep } from "../../src/sweep/run-threshold-sweep.js";
import type { BaseModelMetrics } from "../../src/sweep/sweep-row.js";
import { editedWeights } from "../mlp-fixtures.js";
import { ringsSplit } from "../synthetic-datasets.js";
import { expectNoTensorLeak } from "../tensor-leaks.js";

/** A small nonlinear problem a 3-24-16-3 MLP learns in a few epochs; every schedule below takes a second or two. */
const SPLIT = ringsSplit({ train: 1200, validation: 400, test: 400 }, 3, 31);
const TRAINING = { batchSize: 16, learningRate: 0.02, seed: 32 };
const RANK_CANDIDATES: PruningThreshold[] = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map((keepFraction) => ({
  kind: "rank",
  keepFraction,
  score: "std",
}));
const NO_STOP = { targetKeptFraction: null, maxTotalDrop: null } as const;

let weights: MlpWeights;
let base: BaseModelMetrics;

beforeAll(async () => {
  weights = (await trainBaseModel(SPLIT, { hiddenSizes: [24, 16], activation: "relu", epochs: 8, ...TRAINING }))
    .weights;
  base = (await runThresholdSweep({ weights, stats: { sampleCount: 0, layers: [] }, ...parts(), thresholds: [] })).base;
});

function parts() {
  return { validation: SPLIT.validation, test: SPLIT.test };
}

function schedule(settings: Partial<PruneScheduleSettings>, extra: Partial<PruneScheduleInput> = {}) {
  return runPruneSchedule({
    weights,
    base,
    split: SPLIT,
    training: TRAINING,
    settings: {
      thresholds: { kind: "fixed", threshold: { kind: "rank", keepFraction: 0.7, score: "std" } },
      recoverEpochs: 1,
      maxRounds: 3,
      ...NO_STOP,
      ...settings,
    },
    ...extra,
  });
}

function accuracyOf(network: MlpWeights, part: "validation" | "test"): number {
  const layers = network.layers.map(uploadDenseLayer);
  try {
    return evaluateAccuracy(layers, SPLIT[part]);
  } finally {
    disposeDenseLayers(layers);
  }
}

describe("runPruneSchedule", () => {
  it("shrinks the network every round, keeps each round's cut within the round's validation drop limit, and stores the physically pruned network", async () => {
    const seen: ScheduleRound[] = [];
    const outcome = await schedule(
      {
        thresholds: { kind: "auto", candidates: RANK_CANDIDATES, maxRoundDrop: 2 },
        recoverEpochs: 1,
        maxRounds: 4,
      },
      { onRound: (round) => void seen.push(round) },
    );
    expect(outcome.rounds.length).toBeGreaterThanOrEqual(2);
    expect(seen).toEqual(outcome.rounds);
    let previous = { parameters: base.parameters, validationAccuracy: base.validationAccuracy };
    for (const [index, round] of outcome.rounds.entries()) {
      expect(round.round).toBe(index + 1);
      expect(round.parameters).toBeLessThan(previous.parameters);
      expect(round.parameters).toBe(parameterCount(round.weights));
      expect(round.bytes).toBe(4 * round.parameters);
      expect(round.keptNeurons.every((kept) => kept >= 1)).toBe(true);
      expect(round.weights.layers.slice(0, -1).map((layer) => layer.outputSize)).toEqual(round.keptNeurons);
      // The chosen cut, straight after surgery, costs at most 2 points against the network it pruned
      // (accuracies are multiples of 1/120: the comparison is exact up to float rounding, 1e-9).
      expect(100 * (previous.validationAccuracy - round.oneShotValidationAccuracy)).toBeLessThanOrEqual(2 + 1e-9);
      // Reported accuracies are those of the stored network (same evaluation: exact).
      expect(round.validationAccuracy).toBe(accuracyOf(round.weights, "validation"));
      expect(round.testAccuracy).toBe(accuracyOf(round.weights, "test"));
      expect(round.validationAccuracyDrop).toBeCloseTo(100 * (base.validationAccuracy - round.validationAccuracy), 9);
      expect(round.thresholds).toHaveLength(index + 1);
      expect(round.thresholds[index]).toEqual(round.threshold);
      // What is stored is what reloads: float32 weights survive the layers format bit for bit.
      expect(await importLayersModel(await exportLayersModel(round.weights))).toEqual(round.weights);
      previous = round;
    }
    // The limit binds: on the base network, every candidate that cuts deeper than round 1 costs more than 2 points.
    const deeper = (
      await runThresholdSweep({
        weights,
        stats: await measureModelActivations(weights, SPLIT.validation),
        ...parts(),
        thresholds: RANK_CANDIDATES,
      })
    ).rows.filter((row) => row.parameters < (outcome.rounds[0] as ScheduleRound).parameters);
    expect(deeper.length).toBeGreaterThan(0);
    expect(deeper.every((row) => (row.validationAccuracyDrop as number) > 2)).toBe(true);
    const rows = scheduleRoundRows(outcome.rounds);
    expect(rows.map((row) => row.id)).toEqual(outcome.rounds.map((round) => `round-${round.round}`));
    expect(rows.every((row) => row.status === "ok" && row.note?.includes("iterative schedule"))).toBe(true);
    // The smallest round is always on the rounds' own frontier.
    expect(rows[rows.length - 1]?.pareto).toBe(true);
    expect(roundNetworks(outcome.rounds).get("round-1")).toBe(outcome.rounds[0]?.weights);
  });

  it("stops after maxRounds", async () => {
    const outcome = await schedule({ maxRounds: 2 });
    expect(outcome.stopReason).toBe("max-rounds");
    expect(outcome.rounds.map((round) => round.round)).toEqual([1, 2]);
  });

  it("stops at the first round within the size target", async () => {
    const outcome = await schedule({
      thresholds: { kind: "fixed", threshold: { kind: "rank", keepFraction: 0.5, score: "std" } },
      maxRounds: 10,
      targetKeptFraction: 0.2,
    });
    expect(outcome.stopReason).toBe("target-size");
    const kept = outcome.rounds.map((round) => round.parameters / base.parameters);
    expect(kept[kept.length - 1]).toBeLessThanOrEqual(0.2);
    expect(kept.slice(0, -1).every((fraction) => fraction > 0.2)).toBe(true);
  });

  it("stops after the first round that loses more than the drop target", async () => {
    // Without recovery and halving every round, accuracy falls: find the first round that sets a new worst drop.
    const settings = {
      thresholds: { kind: "fixed", threshold: { kind: "rank", keepFraction: 0.5, score: "std" } },
      recoverEpochs: 0,
      maxRounds: 4,
    } as const;
    const free = await schedule(settings);
    const drops = free.rounds.map((round) => round.validationAccuracyDrop);
    const worst = drops.findIndex((drop, index) => drop > Math.max(0, ...drops.slice(0, index)));
    expect(worst).toBeGreaterThanOrEqual(0);
    const target = Math.max(0, ...drops.slice(0, worst));
    const stopped = await schedule({ ...settings, maxTotalDrop: target });
    expect(stopped.stopReason).toBe("target-drop");
    expect(stopped.rounds.map((round) => round.validationAccuracyDrop)).toEqual(drops.slice(0, worst + 1));
  });

  it("stops without a round when the threshold removes nothing or would empty a layer", async () => {
    const keepAll = await schedule({
      thresholds: { kind: "fixed", threshold: { kind: "rank", keepFraction: 1, score: "std" } },
    });
    expect(keepAll.stopReason).toBe("no-cut");
    expect(keepAll.rounds).toEqual([]);
    expect(keepAll.stopNote).toContain("removes no neuron");
    const emptyAll = await schedule({
      thresholds: { kind: "fixed", threshold: { kind: "meanStd", mean: 1e9, std: 1e9 } },
    });
    expect(emptyAll.stopReason).toBe("no-cut");
    expect(emptyAll.stopNote).toContain("every neuron of hidden layer 1, 2");
    // Auto never picks a candidate that empties a layer: only that one is offered, so nothing is cut.
    const autoEmpty = await schedule({
      thresholds: { kind: "auto", candidates: [{ kind: "meanStd", mean: 1e9, std: 1e9 }], maxRoundDrop: 100 },
    });
    expect(autoEmpty.stopReason).toBe("no-cut");
  });

  it("refuses NaN activations with NON_FINITE_ACTIVATION", async () => {
    const broken = editedWeights(weights, (layers) => {
      (layers[0] as { kernel: Float32Array }).kernel[0] = Number.NaN;
    });
    const error = await rejectedDeadweightError(
      runPruneSchedule({
        weights: broken,
        base,
        split: SPLIT,
        training: TRAINING,
        settings: {
          thresholds: { kind: "fixed", threshold: { kind: "rank", keepFraction: 0.5, score: "std" } },
          recoverEpochs: 0,
          maxRounds: 1,
          ...NO_STOP,
        },
      }),
    );
    expect(error.code).toBe("NON_FINITE_ACTIVATION");
  });

  it.each([
    [{ maxRounds: 0 }, "maxRounds"],
    [{ recoverEpochs: 1.5 }, "recoverEpochs"],
    [{ targetKeptFraction: 0 }, "targetKeptFraction"],
    [{ maxTotalDrop: -1 }, "maxTotalDrop"],
    [{ thresholds: { kind: "auto", candidates: [], maxRoundDrop: 1 } }, "thresholds.candidates"],
    [
      { thresholds: { kind: "auto", candidates: RANK_CANDIDATES, maxRoundDrop: Number.NaN } },
      "thresholds.maxRoundDrop",
    ],
  ] as [Partial<PruneScheduleSettings>, string][])(
    "refuses %o with INVALID_OPTION naming %s",
    async (settings, field) => {
      const error = await rejectedDeadweightError(schedule(settings));
      expect(error.code).toBe("INVALID_OPTION");
      expect(error.message).toContain(`schedule ${field} must be`);
    },
  );

  it("stops with CANCELED between rounds when aborted", async () => {
    const controller = new AbortController();
    const error = await rejectedDeadweightError(
      schedule({ maxRounds: 3 }, { signal: controller.signal, onRound: () => controller.abort() }),
    );
    expect(error.code).toBe("CANCELED");
    expect(error.message).toContain("before round 2");
  });

  it("reports progress for every round", async () => {
    const messages: string[] = [];
    await schedule({ maxRounds: 2 }, { onProgress: ({ message }) => messages.push(message) });
    expect(messages.some((message) => message.startsWith("round 1/2:"))).toBe(true);
    expect(messages.some((message) => message.startsWith("round 2/2: fine-tuning"))).toBe(true);
  });

  it("does not leak tensors, also when it fails", async () => {
    await expectNoTensorLeak(async () => {
      await schedule({ thresholds: { kind: "auto", candidates: RANK_CANDIDATES, maxRoundDrop: 5 }, maxRounds: 2 });
      const broken = editedWeights(weights, (layers) => {
        (layers[1] as { bias: Float32Array }).bias[0] = Number.POSITIVE_INFINITY;
      });
      await rejectedDeadweightError(schedule({}, { weights: broken }));
    });
  });
});
