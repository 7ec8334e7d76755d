import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, recordRunResults, type Store } from "@deadweight/api";
import {
  type BackendInfo,
  type DataSplit,
  initialiseBackend,
  type PruningThreshold,
  trainBaseModel,
} from "@deadweight/core";
import type { ExperimentConfig } from "@deadweight/experiment-config";
import { recordWorkerResultsInput } from "@deadweight/protocol";
import type { ArtifactUpload, WorkerApi } from "../src/api/worker-api.js";
import { ProgressBoard } from "../src/pipeline/progress-board.js";
import type { StageContext } from "../src/pipeline/stage-context.js";
import type { LoadedRun } from "../src/pipeline/stages/load-stage.js";

/**
 * What a test of the worker's stages after training runs them with: a running run in a real tracking
 * store (a migrated SQLite file in a temporary folder), a worker API whose result reports are validated
 * with the worker protocol and stored through the API's own recorder (as the worker procedure does),
 * uploads and deployments kept in memory, and the network trained on `split` with the config's settings.
 */
export interface StageHarness {
  /** The temporary folder the store lives in; a test may write scratch files there (removed on close). */
  readonly folder: string;
  readonly store: Store & { close(): Promise<void> };
  readonly runId: string;
  readonly context: StageContext;
  readonly loaded: LoadedRun;
  readonly trained: Awaited<ReturnType<typeof trainBaseModel>>;
  readonly uploads: ArtifactUpload[];
  readonly deployments: Parameters<WorkerApi["recordDeployment"]>[0][];
  /** The row ids of every results report, in order. */
  readonly reportedRowKeys: string[][];
  /** Closes the store and removes its folder. */
  close(): Promise<void>;
}

export async function openStageHarness(options: {
  readonly name: string;
  readonly config: ExperimentConfig;
  readonly split: DataSplit;
  readonly thresholds: PruningThreshold[];
  readonly datasetDescription: string;
}): Promise<StageHarness> {
  const { name, config, split } = options;
  const folder = mkdtempSync(join(tmpdir(), `deadweight-${name}-stages-`));
  const store = (await openStore({ dataDir: folder })) as StageHarness["store"];
  const { db } = store;
  const user = await db.user.create({ data: { id: `u-${name}`, name: "Ada", email: "ada@example.test" } });
  const team = await db.team.create({ data: { name: "edge", slug: "edge" } });
  const project = await db.project.create({ data: { teamId: team.id, name: "p", slug: "p" } });
  const experiment = await db.experiment.create({
    data: { projectId: project.id, name, dataset: "sequence", config: JSON.stringify(config), createdById: user.id },
  });
  const runId = (await db.run.create({ data: { experimentId: experiment.id, status: "running", attempt: 1 } })).id;

  const uploads: ArtifactUpload[] = [];
  const deployments: StageHarness["deployments"] = [];
  const reportedRowKeys: string[][] = [];
  const api = {
    async recordResults(input: Parameters<WorkerApi["recordResults"]>[0]) {
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
  const trained = await trainBaseModel(split, {
    hiddenSizes: config.model.hidden,
    activation: "relu",
    epochs: config.training.epochs,
    batchSize: config.training.batchSize,
    learningRate: config.training.learningRate,
    seed: config.seed,
  });
  const loaded: LoadedRun = {
    config,
    split,
    thresholds: options.thresholds,
    backend,
    datasetDescription: options.datasetDescription,
  };
  const context = {
    api: api as unknown as WorkerApi,
    run: { id: runId, attempt: 1, experimentName: name },
    signal: new AbortController().signal,
    progress: new ProgressBoard(),
    log: () => {},
  } as unknown as StageContext;
  return {
    folder,
    store,
    runId,
    context,
    loaded,
    trained,
    uploads,
    deployments,
    reportedRowKeys,
    async close() {
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
