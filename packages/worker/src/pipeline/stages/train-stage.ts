import {
  exportBaseModel,
  hiddenLayerSizes,
  importLayersModel,
  type MlpWeights,
  splitFeatureScaling,
  type TrainingSummary,
  trainBaseModel,
  unfoldInputScaling,
} from "@deadweight/core";
import { experimentSettingsOf } from "@deadweight/experiment-config";
import { BASE_MODEL_ID, downloadModel, uploadModel } from "../../artifacts/run-artifacts.js";
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
 * again, since statistics, sweep and recovery run on the scaled split.
 */
export async function trainStage(context: StageContext, loaded: LoadedRun, plan: ResumePlan): Promise<TrainedRun> {
  if (plan.storedBaseModel !== null) {
    const resumed = await loadStoredBaseModel(context, loaded, plan.storedBaseModel);
    if (resumed !== null) return { weights: resumed, training: null };
  }
  const { config, split } = loaded;
  const { weights, training } = await trainBaseModel(
    split,
    experimentSettingsOf(config),
    (progress) =>
      context.progress.set({
        stage: "train",
        epoch: progress.epoch,
        epochs: progress.epochs,
        batch: progress.batch,
        batches: progress.batchesPerEpoch,
        loss: progress.loss,
        accuracy: progress.accuracy,
        etaSeconds: progress.etaSeconds,
      }),
    context.signal,
  );
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
