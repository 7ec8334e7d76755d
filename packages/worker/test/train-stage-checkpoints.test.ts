import { createHash } from "node:crypto";
import { initialiseBackend, type MlpWeights } from "@deadweight/core";
import { experimentConfigSchema } from "@deadweight/experiment-config";
import type { StoredArtifact } from "@deadweight/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import type { ArtifactUpload, WorkerApi } from "../src/api/worker-api.js";
import { CheckpointSchedule } from "../src/pipeline/checkpoint-schedule.js";
import { ProgressBoard } from "../src/pipeline/progress-board.js";
import { planResume } from "../src/pipeline/resume-plan.js";
import type { StageContext } from "../src/pipeline/stage-context.js";
import type { LoadedRun } from "../src/pipeline/stages/load-stage.js";
import { trainStage } from "../src/pipeline/stages/train-stage.js";
import { aboveDiagonalSplit } from "./above-diagonal-split.js";

// The train stage's checkpoints against an in-memory artifact store that replaces a checkpoint as the
// server does: attempt 1 stores one per epoch (--checkpoint-minutes 0) and is killed after epoch 3;
// attempt 2 finds it, goes on at epoch 4 and ends with the weights of a run never interrupted.

const SPLIT = aboveDiagonalSplit(60, 20, 20);
const CONFIG = experimentConfigSchema.parse({
  model: { hidden: [6] },
  training: { epochs: 6, batchSize: 10, learningRate: 0.05 },
});

/** The artifact routes in memory: content by sha256, one record per name; a checkpoint's record is replaced. */
class ArtifactShelf {
  readonly records = new Map<string, StoredArtifact>();
  readonly contents = new Map<string, Uint8Array>();
  readonly uploads: ArtifactUpload[] = [];

  async uploadArtifact(upload: ArtifactUpload) {
    this.uploads.push(upload);
    const sha256 = createHash("sha256").update(upload.bytes).digest("hex");
    this.contents.set(sha256, upload.bytes);
    const stored: StoredArtifact = {
      id: `artifact_${this.uploads.length}`,
      name: upload.name,
      kind: upload.kind,
      sha256,
      sizeBytes: upload.bytes.length,
      contentType: upload.contentType,
    };
    this.records.set(upload.name, stored);
    return { ...stored, created: true };
  }

  async downloadArtifact(artifact: Pick<StoredArtifact, "sha256">) {
    return this.contents.get(artifact.sha256) as Uint8Array;
  }
}

function contextOf(
  shelf: ArtifactShelf,
  attempt: number,
  options: { readonly checkpointMinutes: number; readonly signal?: AbortSignal; readonly log?: string[] },
) {
  const progress = new ProgressBoard();
  const epochs: number[] = [];
  const set = progress.set.bind(progress);
  progress.set = (value) => {
    if (value.epoch !== undefined && value.batch !== undefined) epochs.push(value.epoch);
    set(value);
  };
  const context = {
    api: shelf as unknown as WorkerApi,
    run: { id: "run_checkpoints", attempt, experimentName: "tiny" },
    signal: options.signal ?? new AbortController().signal,
    progress,
    settings: { maxMemoryBytes: 2 ** 30, checkpointMinutes: options.checkpointMinutes },
    log: (line: string) => options.log?.push(line),
  } as unknown as StageContext;
  return { context, epochs, progress };
}

let loaded: LoadedRun;

beforeAll(async () => {
  const backend = await initialiseBackend("wasm");
  loaded = { config: CONFIG, split: SPLIT, thresholds: [], backend, datasetDescription: "sequence" };
});

function expectSameWeights(actual: MlpWeights, expected: MlpWeights) {
  for (const [index, layer] of expected.layers.entries()) {
    expect(actual.layers[index]?.kernel).toEqual(layer.kernel);
    expect(actual.layers[index]?.bias).toEqual(layer.bias);
  }
}

describe("the train stage's checkpoints", () => {
  it("killed after epoch 3, the next attempt goes on at epoch 4 and ends with the uninterrupted weights", async () => {
    const straight = await trainStage(
      contextOf(new ArtifactShelf(), 1, { checkpointMinutes: 60 }).context,
      loaded,
      planResume({ attempt: 1, completedStages: [], artifacts: [] }),
    );

    const shelf = new ArtifactShelf();
    const kill = new AbortController();
    const first = contextOf(shelf, 1, { checkpointMinutes: 0, signal: kill.signal });
    const upload = shelf.uploadArtifact.bind(shelf);
    shelf.uploadArtifact = async (request) => {
      const stored = await upload(request);
      if (shelf.uploads.length === 3) kill.abort(new Error("kill -9"));
      return stored;
    };
    await expect(
      trainStage(first.context, loaded, planResume({ attempt: 1, completedStages: [], artifacts: [] })),
    ).rejects.toThrow();
    // One checkpoint per epoch, all under one name: the shelf keeps one record, the latest.
    expect(shelf.uploads.map((request) => [request.name, request.kind])).toEqual([
      ["checkpoints/training.ckpt", "checkpoint"],
      ["checkpoints/training.ckpt", "checkpoint"],
      ["checkpoints/training.ckpt", "checkpoint"],
    ]);
    expect([...shelf.records.keys()]).toEqual(["checkpoints/training.ckpt"]);
    expect(first.epochs.at(-1)).toBeLessThanOrEqual(4);

    shelf.uploadArtifact = upload;
    const log: string[] = [];
    const second = contextOf(shelf, 2, { checkpointMinutes: 0, log });
    const plan = planResume({ attempt: 2, completedStages: ["load"], artifacts: [...shelf.records.values()] });
    const resumed = await trainStage(second.context, loaded, plan);
    expect(second.epochs[0]).toBe(4);
    expect(new Set(second.epochs)).toEqual(new Set([4, 5, 6]));
    expect(log).toContain(
      "run run_checkpoints attempt 2: resuming training at epoch 4 from the checkpoint of epoch 3 stored by an earlier attempt",
    );
    // The curve of the whole run, the first attempt's epochs included.
    expect(resumed.training?.epochs.map((epoch) => epoch.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(resumed.training?.epochs.map((epoch) => epoch.loss)).toEqual(
      straight.training?.epochs.map((epoch) => epoch.loss),
    );
    // Tolerance 0: same kernels, same order of operations, every float of the state stored bit for bit.
    expectSameWeights(resumed.weights, straight.weights);
    // Epochs 4 and 5 were checkpointed again (not 6: the base model is stored instead), then the model.
    expect(shelf.uploads.slice(3).map((request) => request.name)).toEqual([
      "checkpoints/training.ckpt",
      "checkpoints/training.ckpt",
      "models/base/model.json",
      "models/base/weights.bin",
    ]);
  });

  it("trains from epoch 1 when the stored checkpoint is not one, saying why", async () => {
    const shelf = new ArtifactShelf();
    await shelf.uploadArtifact({
      runId: "run_checkpoints",
      attempt: 1,
      name: "checkpoints/training.ckpt",
      kind: "checkpoint",
      contentType: "application/octet-stream",
      bytes: new TextEncoder().encode("half a file"),
    });
    const log: string[] = [];
    const { context, epochs } = contextOf(shelf, 2, { checkpointMinutes: 60, log });
    const plan = planResume({ attempt: 2, completedStages: ["load"], artifacts: [...shelf.records.values()] });
    const trained = await trainStage(context, loaded, plan);
    expect(epochs[0]).toBe(1);
    expect(trained.training?.epochs).toHaveLength(6);
    expect(log.join("\n")).toMatch(
      /checkpoint checkpoints\/training.ckpt of run run_checkpoints: expected it to start with .*; training from epoch 1/,
    );
  });
});

describe("a checkpoint of other training", () => {
  it("is refused before the first step, said in the log, and training starts at epoch 1", async () => {
    const shelf = new ArtifactShelf();
    const kill = new AbortController();
    const upload = shelf.uploadArtifact.bind(shelf);
    shelf.uploadArtifact = async (request) => {
      const stored = await upload(request);
      kill.abort(new Error("kill -9"));
      return stored;
    };
    const first = contextOf(shelf, 1, { checkpointMinutes: 0, signal: kill.signal });
    await expect(
      trainStage(first.context, loaded, planResume({ attempt: 1, completedStages: [], artifacts: [] })),
    ).rejects.toThrow();
    shelf.uploadArtifact = upload;
    // The experiment's batch size is not the one the checkpoint was taken with.
    const other = { ...loaded, config: { ...CONFIG, training: { ...CONFIG.training, batchSize: 20 } } };
    const log: string[] = [];
    const second = contextOf(shelf, 2, { checkpointMinutes: 60, log });
    const plan = planResume({ attempt: 2, completedStages: ["load"], artifacts: [...shelf.records.values()] });
    const trained = await trainStage(second.context, other, plan);
    expect(log.join("\n")).toMatch(
      /the training checkpoint cannot be used \(the checkpoint of epoch 1 was taken with batchSize 10 \(now 20\)[^)]*\); training from epoch 1/,
    );
    // The announcement of epoch 2 (read from the checkpoint), then one report per epoch from epoch 1.
    expect(second.epochs).toEqual([2, 1, 2, 3, 4, 5, 6]);
    expect(trained.training?.epochs.map((epoch) => epoch.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(second.progress.get()?.resumedAtEpoch).toBeUndefined();
  });
});

describe("CheckpointSchedule", () => {
  it("stores every epoch or every N minutes, whichever is rarer, and never after the last epoch", () => {
    let now = 0;
    const schedule = new CheckpointSchedule(5, () => now);
    now = 4 * 60_000;
    expect(schedule.due(1, 10)).toBe(false);
    now = 5 * 60_000;
    expect(schedule.due(2, 10)).toBe(true);
    schedule.stored();
    now = 9 * 60_000;
    expect(schedule.due(3, 10)).toBe(false);
    now = 30 * 60_000;
    expect(schedule.due(10, 10)).toBe(false);
    const everyEpoch = new CheckpointSchedule(0, () => now);
    expect([1, 2, 3].map((epoch) => everyEpoch.due(epoch, 3))).toEqual([true, true, false]);
    expect(() => new CheckpointSchedule(-1)).toThrow("checkpoint minutes must be 0 or more, got -1");
  });
});
