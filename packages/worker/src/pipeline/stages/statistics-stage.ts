import {
  type ActivationStats,
  activationStatsDocument,
  type MlpWeights,
  measureModelActivations,
} from "@deadweight/core";
import { uploadStatsDocument } from "../../artifacts/run-artifacts.js";
import type { RunComputeThreads } from "../run-compute-threads.js";
import { attemptOf, type StageContext } from "../stage-context.js";
import type { LoadedRun } from "./load-stage.js";

/** Measures every hidden neuron on the validation set and stores stats.json. */
export async function statisticsStage(
  context: StageContext,
  loaded: LoadedRun,
  weights: MlpWeights,
  compute: RunComputeThreads,
): Promise<ActivationStats> {
  const onProgress = ({ samplesDone, samplesTotal }: { samplesDone: number; samplesTotal: number }) =>
    context.progress.set({
      stage: "statistics",
      batch: samplesDone,
      batches: samplesTotal,
      message: `${samplesDone}/${samplesTotal} validation samples`,
    });
  const threads = await compute.get();
  const stats =
    threads === null
      ? await measureModelActivations(weights, loaded.split.validation, onProgress)
      : await threads.measureActivations(weights, loaded.split.validation, { onProgress });
  context.signal.throwIfAborted();
  await uploadStatsDocument(context.api, attemptOf(context), activationStatsDocument(stats));
  return stats;
}
