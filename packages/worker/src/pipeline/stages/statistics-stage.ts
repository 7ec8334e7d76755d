import {
  type ActivationStats,
  activationStatsDocument,
  type MlpWeights,
  measureModelActivations,
} from "@deadweight/core";
import { uploadStatsDocument } from "../../artifacts/run-artifacts.js";
import { attemptOf, type StageContext } from "../stage-context.js";
import type { LoadedRun } from "./load-stage.js";

/** Measures every hidden neuron on the validation set and stores stats.json. */
export async function statisticsStage(
  context: StageContext,
  loaded: LoadedRun,
  weights: MlpWeights,
): Promise<ActivationStats> {
  const stats = await measureModelActivations(weights, loaded.split.validation, ({ samplesDone, samplesTotal }) =>
    context.progress.set({
      stage: "statistics",
      batch: samplesDone,
      batches: samplesTotal,
      message: `${samplesDone}/${samplesTotal} validation samples`,
    }),
  );
  context.signal.throwIfAborted();
  await uploadStatsDocument(context.api, attemptOf(context), activationStatsDocument(stats));
  return stats;
}
