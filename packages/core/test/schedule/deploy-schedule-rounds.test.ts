import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { deployCandidates } from "../../src/deployment/deploy-candidates.js";
import { hiddenLayerSizes } from "../../src/model/mlp-weights.js";
import { runPruneSchedule } from "../../src/schedule/run-prune-schedule.js";
import { roundNetworks, scheduleRoundRows } from "../../src/schedule/schedule-round-rows.js";
import { separableSplit } from "../synthetic-datasets.js";
import { trainedSweptNetwork } from "../trained-swept-network.js";

// A round row is deployed like any row: its network is the round's (not the base pruned by the
// round's threshold), measured, fine-tuned, written and verified in a fresh process.

const ROOT = mkdtempSync(join(tmpdir(), "deadweight-schedule-deploy-"));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

const SPLIT = separableSplit({ train: 240, validation: 100, test: 100 }, 6, 41);
const TRAINING = { batchSize: 16, learningRate: 0.02, seed: 42 };

describe("deployCandidates with schedule rounds", () => {
  it("deploys the smallest round within the suggestion's limit from the round's own network", async () => {
    const { weights, training, stats, sweep } = await trainedSweptNetwork({
      split: SPLIT,
      hiddenSizes: [8, 6],
      epochs: 3,
      training: TRAINING,
      thresholds: [{ kind: "rank", keepFraction: 0.5, score: "std" }],
    });
    const schedule = await runPruneSchedule({
      weights,
      base: sweep.base,
      split: SPLIT,
      training: TRAINING,
      settings: {
        thresholds: { kind: "fixed", threshold: { kind: "rank", keepFraction: 0.5, score: "std" } },
        recoverEpochs: 2,
        maxRounds: 2,
        targetKeptFraction: null,
        maxTotalDrop: null,
      },
    });
    const last = schedule.rounds[schedule.rounds.length - 1]!;
    // The premise: on this separable problem the last round is within 0.5 validation points, and smaller than any sweep row.
    expect(last.validationAccuracyDrop).toBeLessThanOrEqual(0.5);
    expect(hiddenLayerSizes(last.weights)).toEqual([2, 2]);

    const folder = join(ROOT, "rounds");
    const outcome = await deployCandidates({
      weights,
      stats,
      sweep: { base: sweep.base, rows: [...sweep.rows, ...scheduleRoundRows(schedule.rounds)] },
      roundNetworks: roundNetworks(schedule.rounds),
      split: SPLIT,
      settings: { dtypes: ["float32"], recoveryEpochs: 1, recover: "answer", bundles: "answer" },
      training: TRAINING,
      baseTrainingSeconds: training.seconds,
      exportFolder: join(folder, "export"),
      testSetFile: join(folder, "test-set.dwds"),
      card: { createdAt: new Date(), source: { runId: null }, backend: { name: "wasm", description: "wasm" } },
    });
    const variants = outcome.variants.filter((variant) => variant.row.id === "round-2");
    expect(variants.map((variant) => variant.version)).toEqual(["one-shot", "recovered"]);
    expect(variants[0]?.network).toBe(last.weights);
    // Recovery started from the round's network: the base pruned by rank 0.5 once would be 4-3.
    expect(hiddenLayerSizes(variants[1]!.network)).toEqual([2, 2]);
    expect(outcome.chosen?.row.id).toBe("round-2");
    // The card says how the round was reached, not only its last threshold.
    expect(outcome.record.modelCard?.note).toMatch(
      /^round 2 of the iterative schedule: keep0.5-std -> keep0.5-std, 2 recovery/,
    );
    expect(outcome.exported.map((bundle) => bundle.variant.row.id)).toEqual(["round-2"]);
    expect(outcome.exported[0]?.verification).toBeDefined();
  });
});
