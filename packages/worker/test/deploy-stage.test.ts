import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import {
  type BackendInfo,
  type DeploymentRowReport,
  initialiseBackend,
  measureModelActivations,
  runThresholdSweep,
  trainBaseModel,
} from "@deadweight/core";
import { experimentConfigSchema } from "@deadweight/experiment-config";
import { beforeAll, describe, expect, it } from "vitest";
import type { ArtifactUpload, WorkerApi } from "../src/api/worker-api.js";
import { ProgressBoard } from "../src/pipeline/progress-board.js";
import type { StageContext } from "../src/pipeline/stage-context.js";
import { deployStage } from "../src/pipeline/stages/deploy-stage.js";
import type { LoadedRun } from "../src/pipeline/stages/load-stage.js";
import type { TrainedRun } from "../src/pipeline/stages/train-stage.js";
import { aboveDiagonalSplit } from "./above-diagonal-split.js";

// The deploy stage's I/O around the core's deployCandidates, against a recording WorkerApi (no
// server): what it uploads, what it records, and that its temporary folder is gone afterwards. A
// 2-6-2 network on 160 points of "is x above y": training, two bundles and one verifier process.

const SPLIT = aboveDiagonalSplit(100, 30, 30);

/** Records what the stage sends; any other call is a mistake of the stage. */
class RecordingApi {
  readonly uploads: ArtifactUpload[] = [];
  readonly deployments: Parameters<WorkerApi["recordDeployment"]>[0][] = [];

  async uploadArtifact(upload: ArtifactUpload) {
    this.uploads.push(upload);
    return { id: `artifact_${this.uploads.length}`, name: upload.name } as unknown as Awaited<
      ReturnType<WorkerApi["uploadArtifact"]>
    >;
  }

  async recordDeployment(input: Parameters<WorkerApi["recordDeployment"]>[0]) {
    this.deployments.push(input);
  }
}

const RUN_ID = `run_deploy_stage_${process.pid}`;
const api = new RecordingApi();
const progress = new ProgressBoard();

beforeAll(async () => {
  const backend: BackendInfo = await initialiseBackend("wasm");
  const config = experimentConfigSchema.parse({
    model: { hidden: [6] },
    training: { epochs: 3, batchSize: 10, learningRate: 0.05 },
    deployment: { budget: { maxBytes: 100_000 }, dtypes: ["float32", "uint8"] },
  });
  const training = { hiddenSizes: [6], activation: "relu" as const, epochs: 3, batchSize: 10, learningRate: 0.05 };
  const { weights, training: summary } = await trainBaseModel(SPLIT, { ...training, seed: config.seed });
  const stats = await measureModelActivations(weights, SPLIT.validation);
  const sweep = await runThresholdSweep({
    weights,
    stats,
    validation: SPLIT.validation,
    test: SPLIT.test,
    thresholds: [{ kind: "rank", keepFraction: 0.5, score: "std" }],
  });
  const loaded: LoadedRun = { config, split: SPLIT, thresholds: [], backend, datasetDescription: "sequence" };
  const trained: TrainedRun = { weights, training: summary };
  const context = {
    api: api as unknown as WorkerApi,
    run: { id: RUN_ID, attempt: 1, experimentName: "tiny" },
    signal: new AbortController().signal,
    progress,
    log: () => {},
  } as unknown as StageContext;
  await deployStage(context, loaded, trained, stats, { sweep, rows: sweep.rows, roundNetworks: new Map() });
});

describe("the deploy stage", () => {
  it("uploads the chosen candidate's verified bundle files under bundles/<row>/<version>/<dtype>/, then its model card", () => {
    const [deployment] = api.deployments;
    const chosen = deployment!.deployment.chosen!;
    const folder = `bundles/${chosen.rowKey}/${chosen.weights}`;
    expect(api.uploads.map((upload) => [upload.name, upload.kind, upload.contentType, upload.resultRowKey])).toEqual([
      [`${folder}/float32/model.json`, "bundle", "application/json", chosen.rowKey],
      [`${folder}/float32/weights.bin`, "bundle", "application/octet-stream", chosen.rowKey],
      [`${folder}/uint8/model.json`, "bundle", "application/json", chosen.rowKey],
      [`${folder}/uint8/weights.bin`, "bundle", "application/octet-stream", chosen.rowKey],
      [`${folder}/model-card.json`, "model-card", "application/json", chosen.rowKey],
    ]);
    for (const upload of api.uploads) expect(upload).toMatchObject({ runId: RUN_ID, attempt: 1 });
  });

  it("records the deployment once: the budget's answer, the chosen candidate, its card, and rows naming the uploaded files", () => {
    expect(api.deployments).toHaveLength(1);
    const { rows, deployment } = api.deployments[0]!;
    expect(deployment).toMatchObject({ basis: "budget", budget: { maxBytes: 100_000 }, note: null });
    expect(deployment.answer).toMatchObject({ fits: true });
    const card = JSON.parse(new TextDecoder().decode(api.uploads.at(-1)!.bytes));
    expect(deployment.modelCard).toEqual(card);
    expect(card.source).toEqual({ runId: RUN_ID, description: 'experiment "tiny"' });
    const uploaded = new Map(api.uploads.map((upload) => [upload.name, upload.bytes]));
    const exported = (rows as DeploymentRowReport[])
      .flatMap((row) => row.bundles)
      .filter((bundle) => bundle.exported !== null);
    expect(exported).toHaveLength(2);
    for (const bundle of exported) {
      expect(bundle.exported!.verification.correct).toBe(bundle.testCorrect);
      for (const file of bundle.exported!.files) {
        const bytes = uploaded.get(file.name)!;
        expect(createHash("sha256").update(bytes).digest("hex")).toBe(file.sha256);
        expect(bytes.byteLength).toBe(file.bytes);
      }
    }
  });

  it("reports its steps on the progress board and leaves no temporary folder behind", () => {
    expect(progress.get()).toEqual({
      stage: "deploy",
      message: "verifying 2 bundle(s) in a fresh process with plain TF.js",
    });
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith(`deadweight-deploy-${RUN_ID}-`))).toEqual([]);
  });
});
