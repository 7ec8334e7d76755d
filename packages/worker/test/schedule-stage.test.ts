import { measureModelActivations } from "@deadweight/core";
import { experimentConfigSchema } from "@deadweight/experiment-config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runComputeThreads } from "../src/pipeline/run-compute-threads.js";
import { deployStage } from "../src/pipeline/stages/deploy-stage.js";
import { exportStage } from "../src/pipeline/stages/export-stage.js";
import { type ScheduledSweep, scheduleStage } from "../src/pipeline/stages/schedule-stage.js";
import { sweepStage } from "../src/pipeline/stages/sweep-stage.js";
import { aboveDiagonalSplit } from "./above-diagonal-split.js";
import { openStageHarness, type StageHarness } from "./stage-harness.js";

// The sweep, schedule, export and deploy stages of a run with a schedule, into a real tracking store
// (see openStageHarness). A 2-12-8-2 network on "is x above y", halved each round.

const SPLIT = aboveDiagonalSplit(300, 100, 100);
const CONFIG = experimentConfigSchema.parse({
  model: { hidden: [12, 8] },
  training: { epochs: 4, batchSize: 10, learningRate: 0.05 },
  pruning: { criterion: "rank", keepFractions: [0.5, 1] },
  schedule: {
    rounds: 3,
    recoverEpochs: 2,
    thresholds: "fixed",
    threshold: { kind: "rank", keepFraction: 0.5, score: "std" },
  },
  deployment: { dtypes: ["float32"], bundles: "pareto", recover: "answer" },
});

let harness: StageHarness;
let swept: ScheduledSweep;

beforeAll(async () => {
  harness = await openStageHarness({
    name: "rounds",
    config: CONFIG,
    split: SPLIT,
    thresholds: [
      { kind: "rank", keepFraction: 0.5, score: "std" },
      { kind: "rank", keepFraction: 1, score: "std" },
    ],
    datasetDescription: "sequence",
  });
  const { context, loaded, trained } = harness;
  const { weights } = trained;
  const stats = await measureModelActivations(weights, SPLIT.validation);
  const sweep = await sweepStage(
    context,
    loaded,
    weights,
    stats,
    {},
    runComputeThreads({ ...loaded.backend, threads: 1 }),
  );
  swept = await scheduleStage(context, loaded, weights, sweep);
  await exportStage(context, loaded, weights, stats, swept);
  await deployStage(context, loaded, trained, stats, swept);
  // Training, three rounds of fine-tuning and a fresh verifier process: beyond the default 10 s on a busy machine.
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

describe("a run with a schedule", () => {
  it("stores every round as a result row after the sweep's rows, recording after each round", async () => {
    const sweepKeys = ["keep0.5-std", "keep1-std"];
    expect(harness.reportedRowKeys).toEqual([
      sweepKeys,
      [...sweepKeys, "round-1"],
      [...sweepKeys, "round-1", "round-2"],
      [...sweepKeys, "round-1", "round-2", "round-3"],
    ]);
    const stored = await harness.store.db.resultRow.findMany({
      where: { runId: harness.runId },
      orderBy: { position: "asc" },
    });
    expect(stored.map((row) => row.rowKey)).toEqual([...sweepKeys, "round-1", "round-2", "round-3"]);
    const rounds = stored.slice(2);
    // Halving 12-8 every round: 6-4, 3-2, 2-1 (rank keeps at least one neuron, rounding up).
    expect(rounds.map((row) => JSON.parse(row.keptNeurons))).toEqual([
      [6, 4],
      [3, 2],
      [2, 1],
    ]);
    expect(rounds.map((row) => row.parameters)).toEqual(swept.rows.slice(2).map((row) => row.parameters));
    for (const row of rounds) {
      expect(row.status).toBe("ok");
      expect(row.note).toContain("iterative schedule");
      expect(JSON.parse(row.threshold)).toEqual({ kind: "rank", keepFraction: 0.5, score: "std" });
    }
    const run = await harness.store.db.run.findUniqueOrThrow({
      where: { id: harness.runId },
      select: { timings: true },
    });
    expect(Object.keys(JSON.parse(run.timings ?? "{}"))).toContain("schedule");
  });

  it("exports the rounds' Pareto models from their own networks, and deploys round rows like any row", () => {
    const paretoRounds = swept.rows.filter((row) => row.id.startsWith("round-") && row.pareto).map((row) => row.id);
    expect(paretoRounds.length).toBeGreaterThan(0);
    for (const id of paretoRounds) {
      const modelJson = harness.uploads.find((upload) => upload.name === `models/${id}/model.json`);
      expect(modelJson?.resultRowKey).toBe(id);
      const layers = JSON.parse(new TextDecoder().decode(modelJson!.bytes)).modelTopology.config.layers as {
        config: { units?: number };
      }[];
      const network = swept.roundNetworks.get(id)!;
      expect(layers.flatMap((layer) => (layer.config.units === undefined ? [] : [layer.config.units]))).toEqual(
        network.layers.map((layer) => layer.outputSize),
      );
    }
    // bundles "pareto": every measured row, the rounds' Pareto rows among them, is written and verified.
    const [deployment] = harness.deployments;
    const bundledRows = new Set(
      harness.uploads.filter((upload) => upload.kind === "bundle").map((upload) => upload.resultRowKey),
    );
    for (const id of paretoRounds) expect(bundledRows.has(id)).toBe(true);
    expect(deployment?.rows.map((row) => row.rowKey)).toEqual(expect.arrayContaining(paretoRounds));
  });
});
