import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, recordRunResults, type Store } from "@deadweight/api";
import { type BackendInfo, initialiseBackend, measureModelActivations, trainBaseModel } from "@deadweight/core";
import { experimentConfigSchema } from "@deadweight/experiment-config";
import { recordWorkerResultsInput } from "@deadweight/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ArtifactUpload, WorkerApi } from "../src/api/worker-api.js";
import { ProgressBoard } from "../src/pipeline/progress-board.js";
import { runComputeThreads } from "../src/pipeline/run-compute-threads.js";
import type { StageContext } from "../src/pipeline/stage-context.js";
import { deployStage } from "../src/pipeline/stages/deploy-stage.js";
import { exportStage } from "../src/pipeline/stages/export-stage.js";
import type { LoadedRun } from "../src/pipeline/stages/load-stage.js";
import { type ScheduledSweep, scheduleStage } from "../src/pipeline/stages/schedule-stage.js";
import { sweepStage } from "../src/pipeline/stages/sweep-stage.js";
import { aboveDiagonalSplit } from "./above-diagonal-split.js";

// The sweep, schedule, export and deploy stages of a run with a schedule: results are stored in a
// real tracking store (a migrated SQLite file) through the API's own recorder, after the worker
// protocol's validation, as the worker procedure does; uploads and the deployment are recorded in
// memory. A 2-12-8-2 network on "is x above y", halved each round.

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

let folder: string;
let store: Store & { close(): Promise<void> };
let runId: string;
const uploads: ArtifactUpload[] = [];
const deployments: Parameters<WorkerApi["recordDeployment"]>[0][] = [];
const reportedRowKeys: string[][] = [];
let swept: ScheduledSweep;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "deadweight-schedule-stage-"));
  store = (await openStore({ dataDir: folder })) as typeof store;
  const { db } = store;
  const user = await db.user.create({ data: { id: "u-schedule", name: "Ada", email: "ada@example.test" } });
  const team = await db.team.create({ data: { name: "edge", slug: "edge" } });
  const project = await db.project.create({ data: { teamId: team.id, name: "p", slug: "p" } });
  const experiment = await db.experiment.create({
    data: {
      projectId: project.id,
      name: "rounds",
      dataset: "sequence",
      config: JSON.stringify(CONFIG),
      createdById: user.id,
    },
  });
  runId = (await db.run.create({ data: { experimentId: experiment.id, status: "running", attempt: 1 } })).id;

  const api = {
    async recordResults(input: Parameters<WorkerApi["recordResults"]>[0]) {
      // What the worker procedure does with the report: validate it with the protocol, then store it.
      const parsed = recordWorkerResultsInput.parse(JSON.parse(JSON.stringify(input)));
      reportedRowKeys.push(parsed.results.rows.map((row) => row.id));
      await recordRunResults(store, parsed.runId, parsed.results);
    },
    async uploadArtifact(upload: ArtifactUpload) {
      uploads.push(upload);
      return { id: `artifact_${uploads.length}`, name: upload.name, created: true } as unknown as Awaited<
        ReturnType<WorkerApi["uploadArtifact"]>
      >;
    },
    async recordDeployment(input: Parameters<WorkerApi["recordDeployment"]>[0]) {
      deployments.push(input);
    },
  };
  const backend: BackendInfo = await initialiseBackend("wasm");
  const { weights, training } = await trainBaseModel(SPLIT, {
    hiddenSizes: CONFIG.model.hidden,
    activation: "relu",
    epochs: CONFIG.training.epochs,
    batchSize: CONFIG.training.batchSize,
    learningRate: CONFIG.training.learningRate,
    seed: CONFIG.seed,
  });
  const loaded: LoadedRun = {
    config: CONFIG,
    split: SPLIT,
    thresholds: [
      { kind: "rank", keepFraction: 0.5, score: "std" },
      { kind: "rank", keepFraction: 1, score: "std" },
    ],
    backend,
    datasetDescription: "sequence",
  };
  const context = {
    api: api as unknown as WorkerApi,
    run: { id: runId, attempt: 1, experimentName: "rounds" },
    signal: new AbortController().signal,
    progress: new ProgressBoard(),
    log: () => {},
  } as unknown as StageContext;
  const stats = await measureModelActivations(weights, SPLIT.validation);
  const sweep = await sweepStage(context, loaded, weights, stats, {}, runComputeThreads(1, backend.name));
  swept = await scheduleStage(context, loaded, weights, sweep);
  await exportStage(context, loaded, weights, stats, swept);
  await deployStage(context, loaded, { weights, training }, stats, swept);
  // Training, three rounds of fine-tuning and a fresh verifier process: beyond the default 10 s on a busy machine.
}, 120_000);

afterAll(async () => {
  await store?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe("a run with a schedule", () => {
  it("stores every round as a result row after the sweep's rows, recording after each round", async () => {
    const sweepKeys = ["keep0.5-std", "keep1-std"];
    expect(reportedRowKeys).toEqual([
      sweepKeys,
      [...sweepKeys, "round-1"],
      [...sweepKeys, "round-1", "round-2"],
      [...sweepKeys, "round-1", "round-2", "round-3"],
    ]);
    const stored = await store.db.resultRow.findMany({ where: { runId }, orderBy: { position: "asc" } });
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
    const run = await store.db.run.findUniqueOrThrow({ where: { id: runId }, select: { timings: true } });
    expect(Object.keys(JSON.parse(run.timings ?? "{}"))).toContain("schedule");
  });

  it("exports the rounds' Pareto models from their own networks, and deploys round rows like any row", () => {
    const paretoRounds = swept.rows.filter((row) => row.id.startsWith("round-") && row.pareto).map((row) => row.id);
    expect(paretoRounds.length).toBeGreaterThan(0);
    for (const id of paretoRounds) {
      const modelJson = uploads.find((upload) => upload.name === `models/${id}/model.json`);
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
    const [deployment] = deployments;
    const bundledRows = new Set(
      uploads.filter((upload) => upload.kind === "bundle").map((upload) => upload.resultRowKey),
    );
    for (const id of paretoRounds) expect(bundledRows.has(id)).toBe(true);
    expect(deployment?.rows.map((row) => row.rowKey)).toEqual(expect.arrayContaining(paretoRounds));
  });
});
