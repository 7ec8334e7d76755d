import {
  DeadweightError,
  decodeTrainingCheckpoint,
  encodeTrainingCheckpoint,
  exportBaseModel,
  hiddenLayerSizes,
  importLayersModel,
  type MlpWeights,
  splitFeatureScaling,
  type TrainingCheckpoint,
  type TrainingCheckpointing,
  type TrainingProgress,
  type TrainingSummary,
  trainBaseModel,
  unfoldInputScaling,
} from "@deadweight/core";
import { experimentSettingsOf } from "@deadweight/experiment-config";
import type { StoredArtifact } from "@deadweight/protocol";
import { uploadCheckpoint } from "../../artifacts/checkpoint-artifact.js";
import { BASE_MODEL_ID, downloadModel, uploadModel } from "../../artifacts/run-artifacts.js";
import { CheckpointSchedule, DEFAULT_CHECKPOINT_MINUTES } from "../checkpoint-schedule.js";
import type { ResumePlan } from "../resume-plan.js";
import { attemptOf, type StageContext } from "../stage-context.js";
import type { LoadedRun } from "./load-stage.js";

export interface TrainedRun {
  readonly weights: MlpWeights;
  /** Null when the base model was loaded from an earlier attempt instead of trained. */
  readonly training: TrainingSummary | null;
}

/**
 * Loads the base model an earlier attempt stored, when the plan says so and it fits this run's
 * architecture; otherwise trains it (live progress on the board, stoppable between batches) and
 * stores it, so a later attempt need not train again. The stored model takes raw features (the
 * split's scaling folded into its first layer, as every exported model); a loaded one is unfolded
 * again, since statistics, sweep and recovery run on the scaled split. While training, a checkpoint
 * is stored every epoch or every N minutes, whichever is rarer (the worker's --checkpoint-minutes);
 * an attempt that finds one goes on from it (epoch k+1, the same Adam state) instead of epoch 1.
 */
export async function trainStage(context: StageContext, loaded: LoadedRun, plan: ResumePlan): Promise<TrainedRun> {
  if (plan.storedBaseModel !== null) {
    const resumed = await loadStoredBaseModel(context, loaded, plan.storedBaseModel);
    if (resumed !== null) return { weights: resumed, training: null };
  }
  const { config, split } = loaded;
  const settings = experimentSettingsOf(config);
  const onProgress = (progress: TrainingProgress) =>
    context.progress.set({
      stage: "train",
      epoch: progress.epoch,
      epochs: progress.epochs,
      batch: progress.batch,
      batches: progress.batchesPerEpoch,
      loss: progress.loss,
      accuracy: progress.accuracy,
      etaSeconds: progress.etaSeconds,
    });
  const schedule = new CheckpointSchedule(context.settings.checkpointMinutes ?? DEFAULT_CHECKPOINT_MINUTES);
  const checkpointing: TrainingCheckpointing = {
    onEpochEnd: async (summary, takeCheckpoint) => {
      if (!schedule.due(summary.epoch, settings.epochs)) return;
      await storeCheckpoint(context, takeCheckpoint);
      schedule.stored();
    },
  };
  const resumeFrom = plan.checkpoint === null ? null : await loadCheckpoint(context, plan.checkpoint);
  const train = (from: TrainingCheckpoint | null) =>
    trainBaseModel(split, settings, onProgress, context.signal, {
      ...checkpointing,
      ...(from === null ? {} : { resumeFrom: from }),
    });
  let trainedModel: Awaited<ReturnType<typeof trainBaseModel>>;
  if (resumeFrom !== null) context.progress.resumedAt(resumeFrom.epoch + 1);
  try {
    trainedModel = await train(resumeFrom);
  } catch (error) {
    // Refused before the first step (another batch size, seed, network or training set than now).
    if (resumeFrom === null || !(error instanceof DeadweightError) || error.code !== "INVALID_CHECKPOINT") throw error;
    context.log(
      `run ${context.run.id}: the training checkpoint cannot be used (${error.message}); training from epoch 1`,
    );
    context.progress.resumedAt(undefined);
    trainedModel = await train(null);
  }
  const { weights, training } = trainedModel;
  context.signal.throwIfAborted();
  context.progress.set({ stage: "train", message: "storing the base model" });
  const reports = await uploadModel(
    context.api,
    attemptOf(context),
    BASE_MODEL_ID,
    await exportBaseModel(weights, splitFeatureScaling(split)),
  );
  if (reports.some((report) => report.result === "kept earlier")) {
    context.log(
      `run ${context.run.id}: an earlier attempt stored another base model that could not be loaded; it stays, and this run's results come from the model trained now`,
    );
  }
  return { weights, training };
}

/** Takes, encodes and uploads a checkpoint; a failed upload is logged and training goes on (the next one may succeed). */
async function storeCheckpoint(
  context: StageContext,
  takeCheckpoint: () => Promise<TrainingCheckpoint>,
): Promise<void> {
  const started = performance.now();
  const checkpoint = await takeCheckpoint();
  const bytes = encodeTrainingCheckpoint(checkpoint);
  try {
    await uploadCheckpoint(context.api, attemptOf(context), bytes);
  } catch (error) {
    context.signal.throwIfAborted();
    context.log(
      `run ${context.run.id}: could not store the training checkpoint of epoch ${checkpoint.epoch} (${(error as Error).message}); training goes on`,
    );
    return;
  }
  const seconds = (performance.now() - started) / 1000;
  context.log(
    `run ${context.run.id} attempt ${context.run.attempt}: stored the training checkpoint of epoch ${checkpoint.epoch} (${bytes.length} bytes in ${seconds.toFixed(2)} s)`,
  );
}

/** The stored checkpoint, or null (logged) when its bytes are not a checkpoint: training then starts at epoch 1. */
async function loadCheckpoint(context: StageContext, stored: StoredArtifact): Promise<TrainingCheckpoint | null> {
  context.progress.set({ stage: "train", message: "loading the training checkpoint stored by an earlier attempt" });
  const bytes = await context.api.downloadArtifact(stored);
  let checkpoint: TrainingCheckpoint;
  try {
    checkpoint = decodeTrainingCheckpoint(bytes, `${stored.name} of run ${context.run.id}`);
  } catch (error) {
    context.log(`run ${context.run.id}: ${(error as Error).message}; training from epoch 1`);
    return null;
  }
  const message = `resuming training at epoch ${checkpoint.epoch + 1} from the checkpoint of epoch ${checkpoint.epoch} stored by an earlier attempt`;
  context.log(`run ${context.run.id} attempt ${context.run.attempt}: ${message}`);
  context.progress.set({ stage: "train", epoch: checkpoint.epoch + 1, batch: 0, message });
  return checkpoint;
}

async function loadStoredBaseModel(
  context: StageContext,
  loaded: LoadedRun,
  stored: NonNullable<ResumePlan["storedBaseModel"]>,
): Promise<MlpWeights | null> {
  context.progress.set({ stage: "train", message: "loading the base model stored by an earlier attempt" });
  const files = await downloadModel(context.api, stored);
  let weights: MlpWeights;
  try {
    weights = await importLayersModel(files, `run ${context.run.id} ${stored.modelJson.name}`);
  } catch (error) {
    context.log(
      `run ${context.run.id}: the stored base model cannot be used (${(error as Error).message}); training again`,
    );
    return null;
  }
  const expected = [loaded.split.train.featureCount, ...loaded.config.model.hidden, loaded.split.train.classCount];
  const found = [weights.layers[0]?.inputSize, ...hiddenLayerSizes(weights), weights.layers.at(-1)?.outputSize];
  if (expected.join("-") !== found.join("-")) {
    context.log(
      `run ${context.run.id}: the stored base model is ${found.join("-")}, this run asks for ${expected.join("-")}; training again`,
    );
    return null;
  }
  context.log(`run ${context.run.id}: loaded the base model stored by an earlier attempt; training skipped`);
  // The same scaling as when it was stored: it is fitted on the same training rows, deterministically.
  return unfoldInputScaling(weights, splitFeatureScaling(loaded.split));
}
