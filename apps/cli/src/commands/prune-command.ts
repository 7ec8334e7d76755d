import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  activationStatsDocument,
  type DataSplit,
  DeadweightError,
  type DeploymentOutcome,
  type DeploymentProgress,
  deployCandidates,
  type ExperimentResult,
  exportBaseModel,
  isScheduleRoundRow,
  type LayersModelFiles,
  type LearningCheck,
  roundNetworks,
  rowsToExport,
  runExperiment,
  runPruneSchedule,
  type ScheduleOutcome,
  SUGGESTION_MAX_VALIDATION_DROP,
  type SweepRow,
  scaleDataSplit,
  scheduleRoundRows,
  splitDataset,
  splitFeatureScaling,
  suggestedRow,
} from "@deadweight/core";
import { datasetSourceOf, loadDatasetSource, sampleLimitsOfSplit } from "@deadweight/dataset-files";
import {
  type ExperimentConfig,
  experimentSettingsOf,
  featureScalingOf,
  pruneScheduleSettingsOf,
} from "@deadweight/experiment-config";
import { ConfigError } from "../config/config-error.js";
import { datasetLoadOptions } from "../config/dataset-load-options.js";
import { loadExperimentConfig } from "../config/load-experiment-config.js";
import { PRUNE_USAGE, parsePruneArguments } from "../config/prune-arguments.js";
import type { CliEnv } from "../env.js";
import { buildResultsDocument, type ResultsDeployment } from "../output/run-documents.js";
import { writeModelCard } from "../output/write-model-card.js";
import { writeResultsFile, writeRunFolder } from "../output/write-run-folder.js";
import { renderDeploymentSummary } from "../terminal/deployment-summary.js";
import { formatBytes } from "../terminal/format-bytes.js";
import { formatDuration } from "../terminal/format-duration.js";
import { renderLearningSummary } from "../terminal/learning-summary.js";
import { renderNeuronScatter } from "../terminal/neuron-scatter.js";
import { renderResultsTable } from "../terminal/results-table.js";
import { renderScheduleTable } from "../terminal/schedule-table.js";
import { experimentProgressRenderer } from "./experiment-progress.js";

export interface CommandStreams {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

/**
 * `deadweight prune`: the whole method from the terminal, deployment included (the same bundles,
 * verification and model card a worker stores). Returns the run folder, or null after --help.
 */
export async function pruneCommand(
  argv: readonly string[],
  streams: CommandStreams,
  signal?: AbortSignal,
  env: Pick<CliEnv, "fashionMnistDir"> = { fashionMnistDir: undefined },
) {
  const started = performance.now();
  const args = parsePruneArguments(argv);
  if (args.help) {
    streams.stdout.write(PRUNE_USAGE);
    return null;
  }
  const config = oneSeedOf(loadExperimentConfig(args.configPath, args.overrides));
  const outFolder = resolve(config.out ?? `runs/${timestamp(new Date())}`);
  // Fail on an unwritable folder now, not after minutes of training.
  mkdirSync(outFolder, { recursive: true });

  const loaded = loadDatasetSource(datasetSourceOf(config), {
    ...datasetLoadOptions(env),
    sampleLimits: sampleLimitsOfSplit(config.split),
  });
  streams.stderr.write(`dataset: ${loaded.description}\n`);
  const scaling = featureScalingOf(config, loaded.alreadyScaled);
  const split = scaleDataSplit(splitDataset(loaded.train, loaded.test, config.split), scaling);
  streams.stderr.write(
    `split: ${split.train.labels.length} train, ${split.validation.labels.length} validation (samples ${split.record.validation.from}-${split.record.validation.to - 1} of the training data), ${split.test.labels.length} test\n`,
  );
  streams.stderr.write(`${describeScaling(scaling, loaded.alreadyScaled, split.train.labels.length)}\n`);
  streams.stderr.write(
    `model: ${[split.train.featureCount, ...config.model.hidden, split.train.classCount].join("-")} ${config.model.activation}, ${config.training.epochs} epochs, batch ${config.training.batchSize}, seed ${config.seed}\n`,
  );

  const result = await runExperiment(
    split,
    experimentSettingsOf(config),
    experimentProgressRenderer(streams.stderr),
    signal,
  );

  if (result.inputPruning !== null) {
    const { keptCount, originalWidth, stdThreshold } = result.inputPruning;
    streams.stderr.write(
      `inputs: kept ${keptCount} of ${originalWidth} features (std > ${stdThreshold} on validation; the others' means folded into the first layer); every model reads them through its input-contract.json\n`,
    );
  }
  // Everything after training reads the network's split: narrowed to the kept inputs under input pruning.
  const networkSplit = result.networkSplit;
  const schedule = await runSchedule(config, networkSplit, result, streams, signal);
  const rows = [...result.rows, ...scheduleRoundRows(schedule?.rounds ?? [])];
  const models = new Map([...result.models, ...(await roundModels(config, networkSplit, schedule))]);
  const dataset = { description: loaded.description, classNames: loaded.classNames };
  const resultsOf = (deployment: ResultsDeployment | null) =>
    buildResultsDocument({
      config,
      dataset,
      result,
      totalSeconds: (performance.now() - started) / 1000,
      createdAt: new Date(),
      deployment,
      schedule,
      modelIds: [...models.keys()],
    });
  // The sweep's results are on disk before the deployment starts: a failed or stopped deployment keeps them.
  writeRunFolder(outFolder, {
    results: resultsOf(null),
    stats: activationStatsDocument(result.stats),
    models,
    inputContract: result.inputContract,
  });

  const deployStarted = performance.now();
  const deployment = await deploy(
    config,
    networkSplit,
    result,
    schedule,
    outFolder,
    loaded.description,
    streams,
    signal,
  );
  const modelCardName = writeModelCard(outFolder, deployment);
  const deploySeconds = (performance.now() - deployStarted) / 1000;
  writeResultsFile(outFolder, resultsOf({ ...deployment.record, rows: deployment.rows, seconds: deploySeconds }));
  const totalSeconds = (performance.now() - started) / 1000;

  const suggestion = suggestedRow(rows, result.learning);
  const out = streams.stdout;
  out.write("\n");
  // A round's threshold applies to the round before it, not to these statistics: no box for it.
  const box =
    suggestion?.threshold.kind === "meanStd" && !isScheduleRoundRow(suggestion) ? suggestion.threshold : undefined;
  for (const layer of result.stats.layers) {
    out.write(`${renderNeuronScatter(layer, box === undefined ? {} : { threshold: box })}\n\n`);
  }
  out.write(`${renderResultsTable(result.base, result.rows, { colors: out.isTTY === true })}\n\n`);
  if (schedule !== null) out.write(`${renderScheduleTable(result.base, schedule)}\n\n`);
  out.write(`${renderLearningSummary(result.learning, result.base)}\n`);
  out.write(`${describeSuggestion(suggestion, result.base.bytes, result.learning)}\n`);
  const summary = renderDeploymentSummary(deployment, modelCardName);
  if (summary !== "") out.write(`${summary}\n`);
  out.write(
    `backend ${result.backend.name}; train ${formatDuration(result.timings.train)}, statistics ${formatDuration(result.timings.statistics)}, sweep ${formatDuration(result.timings.sweep)}${schedule === null ? "" : `, schedule ${formatDuration(schedule.seconds)}`}, deploy ${formatDuration(deploySeconds)}, total ${formatDuration(totalSeconds)}\n`,
  );
  const bundles = deployment.exported.length;
  out.write(
    `wrote ${outFolder}/results.json, stats.json, ${models.size} model(s) under models/` +
      (bundles === 0 ? "\n" : ` and ${bundles} verified bundle(s) under bundles/\n`),
  );
  return outFolder;
}

/** The configured iterative schedule after the sweep (null without one), one line per step on stderr. */
async function runSchedule(
  config: ExperimentConfig,
  split: DataSplit,
  result: ExperimentResult,
  streams: CommandStreams,
  signal: AbortSignal | undefined,
): Promise<ScheduleOutcome | null> {
  const settings = pruneScheduleSettingsOf(config);
  if (settings === null) return null;
  let shown = "";
  const outcome = await runPruneSchedule({
    weights: result.weights,
    base: result.base,
    split,
    settings,
    training: { batchSize: config.training.batchSize, learningRate: config.training.learningRate, seed: config.seed },
    onProgress: ({ message }) => {
      // Fine-tuning reports every few batches under one message: one line per step is enough here.
      if (message !== shown) streams.stderr.write(`schedule: ${message}\n`);
      shown = message;
    },
    ...(signal === undefined ? {} : { signal }),
  });
  streams.stderr.write(`schedule: stopped: ${outcome.stopNote} (${formatDuration(outcome.seconds)})\n`);
  return outcome;
}

/** The rounds' models the configuration's `export` asks for (the rounds' Pareto rows by default), from their own networks. */
async function roundModels(
  config: ExperimentConfig,
  split: DataSplit,
  schedule: ScheduleOutcome | null,
): Promise<Map<string, LayersModelFiles>> {
  const models = new Map<string, LayersModelFiles>();
  if (schedule === null) return models;
  const networks = roundNetworks(schedule.rounds);
  for (const row of rowsToExport(scheduleRoundRows(schedule.rounds), config.export)) {
    models.set(row.id, await exportBaseModel(networks.get(row.id)!, splitFeatureScaling(split)));
  }
  return models;
}

/**
 * The core's deployment, with the run folder as its export folder (bundles/<row>/<version>/<dtype>/,
 * the names a worker stores them under) and a scratch folder for the verifier's copy of the test set.
 */
async function deploy(
  config: ExperimentConfig,
  split: DataSplit,
  result: ExperimentResult,
  schedule: ScheduleOutcome | null,
  outFolder: string,
  datasetDescription: string,
  streams: CommandStreams,
  signal: AbortSignal | undefined,
): Promise<DeploymentOutcome> {
  // Bundles of an earlier run into the same folder would sit beside this run's and contradict results.json.
  rmSync(join(outFolder, "bundles"), { recursive: true, force: true });
  const scratch = mkdtempSync(join(tmpdir(), "deadweight-prune-"));
  let shown = "";
  const onProgress = ({ message }: DeploymentProgress) => {
    // Fine-tuning reports every few batches under one message: one line per step is enough here.
    if (message !== shown) streams.stderr.write(`deploy: ${message}\n`);
    shown = message;
  };
  try {
    return await deployCandidates({
      weights: result.weights,
      stats: result.stats,
      sweep: { base: result.base, rows: [...result.rows, ...scheduleRoundRows(schedule?.rounds ?? [])] },
      roundNetworks: roundNetworks(schedule?.rounds ?? []),
      split,
      settings: config.deployment,
      training: { batchSize: config.training.batchSize, learningRate: config.training.learningRate, seed: config.seed },
      baseTrainingSeconds: result.training.seconds,
      baseTraining: result.training,
      exportFolder: outFolder,
      testSetFile: join(scratch, "test-set.dwds"),
      card: {
        createdAt: new Date(),
        source: { runId: null, description: `deadweight prune on ${datasetDescription}` },
        backend: result.backend,
      },
      onProgress,
      ...(signal === undefined ? {} : { signal }),
    });
  } catch (error) {
    if (signal?.aborted && !(error instanceof DeadweightError)) {
      throw new DeadweightError(
        "CANCELED",
        "the deployment was stopped; results.json, stats.json and the models are written, without bundles",
      );
    }
    throw error;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function describeScaling(method: string, alreadyScaled: string | null, trainRows: number): string {
  if (alreadyScaled !== null) return `scaling: none (${alreadyScaled})`;
  if (method === "none") return "scaling: none (split.scale); the network sees the features as the file holds them";
  return `scaling: ${method}, fitted on the ${trainRows} training rows only; folded into every exported model's first layer, so the models take raw features`;
}

function describeSuggestion(row: SweepRow | null, baseBytes: number, learning: LearningCheck): string {
  if (learning.verdict === "did-not-learn")
    return "suggested: none (the base model did not learn; see the warning above)";
  if (row === null) {
    return `no threshold keeps validation accuracy within ${SUGGESTION_MAX_VALIDATION_DROP} points of the base model`;
  }
  return (
    `suggested: ${row.id}: ${formatBytes(row.bytes)} instead of ${formatBytes(baseBytes)} (-${row.parameterReductionPercent.toFixed(1)}% parameters), ` +
    `validation ${signed(-(row.validationAccuracyDrop ?? 0))} points, test ${signed(-(row.testAccuracyDrop ?? 0))} points ` +
    `(the smallest model within ${SUGGESTION_MAX_VALIDATION_DROP} validation points; chosen without looking at the test set)`
  );
}

function signed(points: number): string {
  return `${points >= 0 ? "+" : ""}${points.toFixed(2)}`;
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

/** `deadweight prune` trains one run: a config listing one seed trains with it; several are refused. */
function oneSeedOf(config: ExperimentConfig): ExperimentConfig {
  if (config.seeds === undefined) return config;
  const [only, ...more] = config.seeds;
  if (only === undefined || more.length > 0) {
    throw new ConfigError(
      `seeds: lists ${config.seeds.length} seeds, but deadweight prune trains one run; queue one run per seed with deadweight submit, or give one seed with --seed`,
    );
  }
  return { ...config, seed: only };
}
