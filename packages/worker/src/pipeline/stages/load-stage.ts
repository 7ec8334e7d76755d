import {
  assertRunFitsMemory,
  type BackendInfo,
  type DataSplit,
  DeadweightError,
  estimateRunMemory,
  expandThresholdGrid,
  initialiseBackend,
  type PruningThreshold,
  scaleDataSplit,
  splitDataset,
  splitMemoryBytes,
  usesComputeThreads,
} from "@deadweight/core";
import {
  type ExperimentConfig,
  experimentConfigSchema,
  featureScalingOf,
  thresholdGridOf,
} from "@deadweight/experiment-config";
import { loadRunDatasets } from "../../datasets/load-run-datasets.js";
import { workerDatasets } from "../../datasets/worker-datasets.js";
import type { StageContext } from "../stage-context.js";

export interface LoadedRun {
  readonly config: ExperimentConfig;
  /**
   * The split as the network sees it: CSV features scaled as `split.scale` says (fitted on the
   * training part only), the raw parts and the scaling kept in `split.inputScaling` for what ships.
   */
  readonly split: DataSplit;
  readonly thresholds: PruningThreshold[];
  readonly backend: BackendInfo;
  readonly datasetDescription: string;
}

/**
 * Checks the configuration, loads the data (the bundled MNIST, IDX/CSV paths inside this worker's
 * data roots, or a dataset the platform stores, downloaded once into the cache), splits it, scales
 * its features (CSV; fitted on the training part) and starts the compute backend. Everything that can make the run impossible fails here, before any training.
 */
export async function loadStage(context: StageContext): Promise<LoadedRun> {
  const config = parseRunConfig(context.run.config, context.run.seed);
  const thresholds = expandThresholdGrid(thresholdGridOf(config));
  context.progress.set({ stage: "load", message: `loading ${config.dataset}` });
  const loaded = await loadRunDatasets(
    config,
    context.settings.datasets ?? workerDatasets({}),
    context.api,
    context.log,
  );
  const split = scaleDataSplit(
    splitDataset(loaded.train, loaded.test, config.split),
    featureScalingOf(config, loaded.alreadyScaled),
  );
  const threads = Math.min(config.threads, context.settings.threadsPerRun ?? 1);
  const backend: BackendInfo = await initialiseBackend(config.backend, { threads });
  // Before the network is allocated: a run that cannot fit fails here, once, while heartbeats still run.
  const memory = estimateRunMemory({
    inputWidth: split.train.featureCount,
    classCount: split.train.classCount,
    hiddenSizes: config.model.hidden,
    batchSize: config.training.batchSize,
    trainSamples: split.train.labels.length,
    evaluationSamples: split.validation.labels.length + split.test.labels.length,
    datasetBytes: splitMemoryBytes(split),
    computeThreads: usesComputeThreads(backend) ? threads : 0,
  });
  assertRunFitsMemory(
    memory,
    context.settings.maxMemoryBytes,
    "this worker's memory per run (--max-memory / --concurrency)",
  );
  context.log(
    `run ${context.run.id}: ${loaded.description}; ${split.train.labels.length} train, ${split.validation.labels.length} validation, ${split.test.labels.length} test; scaling ${split.inputScaling?.scaling.method ?? "none"}${loaded.alreadyScaled === null ? "" : ` (${loaded.alreadyScaled})`}; backend ${backend.description}; ${threads} thread${threads === 1 ? "" : "s"} ${backend.openBlas === undefined ? "for statistics and sweep" : "for every matrix product"}${threads < config.threads ? ` (the experiment asks for ${config.threads}; this worker allows ${threads} per run)` : ""}`,
  );
  return { config, split, thresholds, backend, datasetDescription: loaded.description };
}

/** The run's configuration, validated again on this side (a server of another version may differ), with the run's seed. */
export function parseRunConfig(config: unknown, seed: number | null): ExperimentConfig {
  const document = typeof config === "object" && config !== null && !Array.isArray(config) ? config : {};
  const parsed = experimentConfigSchema.safeParse(seed === null ? document : { ...document, seed });
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.length === 0 ? "(top level)" : issue.path.join(".")}: ${issue.message}`,
    );
    throw new DeadweightError("INVALID_OPTION", `the run's configuration is not valid: ${problems.join("; ")}`);
  }
  return parsed.data;
}
