import {
  type BackendInfo,
  type BackendPreference,
  initialiseBackend,
  usesComputeThreads,
} from "../backend/compute-backend.js";
import type { DataSplit, SplitRecord } from "../data/data-split.js";
import { assertValidDataset } from "../data/dataset.js";
import { type FeatureScalingRecord, featureScalingRecord, splitFeatureScaling } from "../data/scale-data-split.js";
import { DeadweightError } from "../errors.js";
import type { LayersModelFiles } from "../export/layers-model-files.js";
import type { InputContract } from "../inputs/input-contract.js";
import { pruneNetworkInputs, type RecordedInputPruning, recordedInputPruning } from "../inputs/prune-network-inputs.js";
import { checkBaseModelLearning, type LearningCheck } from "../learning/learning-check.js";
import type { HiddenActivation } from "../model/mlp-spec.js";
import type { MlpWeights } from "../model/mlp-weights.js";
import type { TrainingProgress, TrainingSummary } from "../model/train-mlp.js";
import type { ActivationStats } from "../stats/activation-stats.js";
import { runThresholdSweep } from "../sweep/run-threshold-sweep.js";
import type { BaseModelMetrics, SweepRow } from "../sweep/sweep-row.js";
import { expandThresholdGrid, type ThresholdGrid } from "../sweep/threshold-grid.js";
import { type ComputeThreads, openComputeThreads } from "../threads/compute-threads.js";
import {
  exportBaseModel,
  exportPrunedModel,
  measureModelActivations,
  rowsToExport,
  trainBaseModel,
} from "./experiment-stages.js";

/** Everything that defines an experiment apart from the data itself. */
export interface ExperimentSettings {
  readonly hiddenSizes: readonly number[];
  readonly activation: HiddenActivation;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly grid: ThresholdGrid;
  /** Which pruned models to export besides the base model. */
  readonly exportModels: "pareto" | "all" | "none";
  readonly backend: BackendPreference;
  /** Threads for the statistics pass and the sweep (see ComputeThreads); default 1: the calling thread. */
  readonly threads?: number;
  /**
   * Prune the trained network's input features whose std on the validation set is <= stdThreshold
   * (their mean folded into the first layer's bias); absent: every input is kept.
   */
  readonly inputPruning?: { readonly stdThreshold: number };
}

export type ExperimentStage = "train" | "statistics" | "sweep" | "export";

export type ExperimentEvent =
  | { readonly kind: "backend"; readonly backend: BackendInfo }
  | { readonly kind: "stage-started"; readonly stage: ExperimentStage }
  | { readonly kind: "stage-finished"; readonly stage: ExperimentStage; readonly seconds: number }
  | { readonly kind: "training"; readonly progress: TrainingProgress }
  | { readonly kind: "statistics"; readonly samplesDone: number; readonly samplesTotal: number }
  | { readonly kind: "sweep"; readonly done: number; readonly total: number; readonly rowId: string }
  | { readonly kind: "export"; readonly done: number; readonly total: number; readonly modelId: string };

export interface ExperimentResult {
  readonly settings: ExperimentSettings;
  readonly backend: BackendInfo;
  readonly split: SplitRecord;
  readonly training: TrainingSummary;
  /** The trained, unpruned network: with `stats` and `rows`, what deployCandidates prunes, recovers and exports. */
  readonly weights: MlpWeights;
  readonly base: BaseModelMetrics;
  /** Whether the base model learned (against the majority class and its training loss), with the words to say it. */
  readonly learning: LearningCheck;
  /** The feature scaling the network was trained with, folded into every exported model (of the kept features only, under input pruning). */
  readonly featureScaling: FeatureScalingRecord;
  readonly rows: SweepRow[];
  readonly stats: ActivationStats;
  readonly timings: Record<ExperimentStage, number>;
  /** "base" and the ids of the exported rows, in the TF.js layers format, taking raw features. */
  readonly models: ReadonlyMap<string, LayersModelFiles>;
  /**
   * What input pruning kept (and the trained network's parameter count before it); null without it.
   * `weights`, `rows` and `base` describe the network with pruned inputs.
   */
  readonly inputPruning: RecordedInputPruning | null;
  /** The split `weights` reads: the given one, or it narrowed to the kept inputs (pass it to deployCandidates). */
  readonly networkSplit: DataSplit;
  /** The input contract every exported model states, or null when every input is kept. */
  readonly inputContract: InputContract | null;
}

/**
 * The whole method on data already in memory: train the MLP, measure every hidden neuron on the
 * validation set, sweep the thresholds (accuracy on validation and test), judge whether the base
 * model learned, and export the base model and the chosen pruned models (taking raw features: a
 * scaled split's scaling is folded into their first layer). With settings.inputPruning, the trained
 * network's near-constant inputs are pruned before the statistics (pruneNetworkInputs) and every later
 * stage works on the narrower network and split. Performs no I/O: the caller writes what it wants.
 * `settings.threads` is how many cores the run uses: OpenBLAS's threads for every matrix product
 * when the backend runs them on OpenBLAS; otherwise that many compute threads for the statistics and
 * the sweep (the same results), started while the network trains and ended before this returns or throws.
 */
export async function runExperiment(
  fullSplit: DataSplit,
  settings: ExperimentSettings,
  onEvent: (event: ExperimentEvent) => void = () => {},
  signal?: AbortSignal,
): Promise<ExperimentResult> {
  for (const part of [fullSplit.train, fullSplit.validation, fullSplit.test]) assertValidDataset(part);
  expandThresholdGrid(settings.grid);
  const threads = settings.threads ?? 1;
  const backend: BackendInfo = await initialiseBackend(settings.backend, { threads });
  onEvent({ kind: "backend", backend });
  // Without OpenBLAS (whose products use the threads themselves), compute threads start (about a
  // second each) while the network trains.
  const opening = usesComputeThreads(backend) ? openComputeThreads({ threads, backend: backend.name }) : null;
  opening?.catch(() => {});
  try {
    return await runExperimentStages(fullSplit, settings, backend, opening, onEvent, signal);
  } finally {
    await opening?.then(
      (computeThreads) => computeThreads.close(),
      () => {},
    );
  }
}

async function runExperimentStages(
  fullSplit: DataSplit,
  settings: ExperimentSettings,
  backend: BackendInfo,
  opening: Promise<ComputeThreads> | null,
  onEvent: (event: ExperimentEvent) => void,
  signal: AbortSignal | undefined,
): Promise<ExperimentResult> {
  const thresholds = expandThresholdGrid(settings.grid);
  const timings: Record<ExperimentStage, number> = { train: 0, statistics: 0, sweep: 0, export: 0 };
  const stage = async <T>(name: ExperimentStage, work: () => Promise<T>): Promise<T> => {
    onEvent({ kind: "stage-started", stage: name });
    const started = performance.now();
    const result = await work();
    timings[name] = (performance.now() - started) / 1000;
    onEvent({ kind: "stage-finished", stage: name, seconds: timings[name] });
    return result;
  };

  const trained = await stage("train", () =>
    trainBaseModel(fullSplit, settings, (progress) => onEvent({ kind: "training", progress }), signal),
  );
  const { training } = trained;
  const pruned =
    settings.inputPruning === undefined
      ? null
      : pruneNetworkInputs(trained.weights, fullSplit, settings.inputPruning.stdThreshold);
  const weights = pruned?.weights ?? trained.weights;
  const split = pruned?.split ?? fullSplit;
  const computeThreads = opening === null ? null : await opening;
  const onStatistics = ({ samplesDone, samplesTotal }: { samplesDone: number; samplesTotal: number }) =>
    onEvent({ kind: "statistics", samplesDone, samplesTotal });
  const stats = await stage("statistics", () =>
    computeThreads === null
      ? measureModelActivations(weights, split.validation, onStatistics)
      : computeThreads.measureActivations(weights, split.validation, { onProgress: onStatistics }),
  );
  if (signal?.aborted) throw new DeadweightError("CANCELED", "the experiment was canceled before the sweep");

  const sweep = await stage("sweep", () =>
    (computeThreads?.runThresholdSweep ?? runThresholdSweep)({
      weights,
      stats,
      validation: split.validation,
      test: split.test,
      thresholds,
      onProgress: ({ done, total, rowId }) => onEvent({ kind: "sweep", done, total, rowId }),
    }),
  );

  const scaling = splitFeatureScaling(split);
  const models = await stage("export", async () => {
    const chosen = rowsToExport(sweep.rows, settings.exportModels);
    const exported = new Map<string, LayersModelFiles>();
    exported.set("base", await exportBaseModel(weights, scaling));
    onEvent({ kind: "export", done: 1, total: chosen.length + 1, modelId: "base" });
    for (const [index, row] of chosen.entries()) {
      exported.set(row.id, await exportPrunedModel(weights, stats, row, scaling));
      onEvent({ kind: "export", done: index + 2, total: chosen.length + 1, modelId: row.id });
    }
    return exported;
  });

  return {
    settings,
    backend,
    split: split.record,
    training,
    weights,
    base: sweep.base,
    learning: checkBaseModelLearning({
      split,
      validationAccuracy: sweep.base.validationAccuracy,
      epochLosses: training.epochs.map((epoch) => epoch.loss),
      learningRate: settings.learningRate,
    }),
    featureScaling: featureScalingRecord(split),
    rows: sweep.rows,
    stats,
    timings,
    models,
    inputPruning: pruned === null ? null : recordedInputPruning(pruned, trained.weights),
    networkSplit: split,
    inputContract: pruned?.contract ?? null,
  };
}
