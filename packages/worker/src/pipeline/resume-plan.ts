import type { ClaimedRun, StoredArtifact } from "@deadweight/protocol";
import { storedCheckpoint } from "../artifacts/checkpoint-artifact.js";
import { BASE_MODEL_ID, modelArtifactNames, storedModel } from "../artifacts/run-artifacts.js";

/** What an attempt can take over from earlier attempts of the same run. */
export interface ResumePlan {
  /** The trained base model to load instead of training again; null: train. */
  readonly storedBaseModel: { readonly modelJson: StoredArtifact; readonly weightsBin: StoredArtifact } | null;
  /** The training checkpoint to go on from when training is needed; null: train from the first epoch. */
  readonly checkpoint: StoredArtifact | null;
  /** One line for the log saying what was decided and why. */
  readonly reason: string;
}

/**
 * Training is the expensive stage, so a run whose earlier attempt finished training and stored the
 * base model loads that model instead of training again. Later stages run again from it: they take
 * seconds, and their uploads and results are idempotent, so nothing is stored twice. A run killed
 * in the middle of training goes on from the training checkpoint its attempt stored last, if any.
 */
export function planResume(run: Pick<ClaimedRun, "attempt" | "completedStages" | "artifacts">): ResumePlan {
  const trained = run.completedStages.includes("train");
  const stored = storedModel(run.artifacts, BASE_MODEL_ID);
  const checkpoint = storedCheckpoint(run.artifacts);
  if (trained && stored !== null) {
    return {
      storedBaseModel: stored,
      checkpoint: null,
      reason: `an earlier attempt finished training and stored the base model: loading it instead of training`,
    };
  }
  if (trained) {
    const names = modelArtifactNames(BASE_MODEL_ID);
    const missing = [names.modelJson, names.weightsBin].filter(
      (name) => !run.artifacts.some((artifact) => artifact.name === name),
    );
    return {
      storedBaseModel: null,
      checkpoint,
      reason: `training was reported done but ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not stored: training again`,
    };
  }
  if (checkpoint !== null) {
    return {
      storedBaseModel: null,
      checkpoint,
      reason: "no earlier attempt finished training, one stored a training checkpoint: going on from it",
    };
  }
  return {
    storedBaseModel: null,
    checkpoint: null,
    reason: run.attempt > 1 ? "no earlier attempt finished training: training from the start" : "first attempt",
  };
}
