import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import {
  activationStatsDocument,
  runExperiment,
  SUGGESTION_MAX_VALIDATION_DROP,
  type SweepRow,
  splitDataset,
  suggestedRow,
} from "@deadweight/core";
import { type DatasetSource, loadDatasetSource, parseDatasetArgument } from "@deadweight/dataset-files";
import { type ExperimentConfig, experimentSettingsOf } from "@deadweight/experiment-config";
import { loadExperimentConfig } from "../config/load-experiment-config.js";
import { PRUNE_USAGE, parsePruneArguments } from "../config/prune-arguments.js";
import { buildResultsDocument } from "../output/run-documents.js";
import { writeRunFolder } from "../output/write-run-folder.js";
import { formatBytes } from "../terminal/format-bytes.js";
import { formatDuration } from "../terminal/format-duration.js";
import { renderNeuronScatter } from "../terminal/neuron-scatter.js";
import { renderResultsTable } from "../terminal/results-table.js";
import { experimentProgressRenderer } from "./experiment-progress.js";

export interface CommandStreams {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

/** `deadweight prune`: the whole method from the terminal. Returns the run folder, or null after --help. */
export async function pruneCommand(argv: readonly string[], streams: CommandStreams, signal?: AbortSignal) {
  const started = performance.now();
  const args = parsePruneArguments(argv);
  if (args.help) {
    streams.stdout.write(PRUNE_USAGE);
    return null;
  }
  const config = loadExperimentConfig(args.configPath, args.overrides);
  const outFolder = resolve(config.out ?? `runs/${timestamp(new Date())}`);
  // Fail on an unwritable folder now, not after minutes of training.
  mkdirSync(outFolder, { recursive: true });

  const loaded = loadDatasetSource(datasetSourceOf(config));
  streams.stderr.write(`dataset: ${loaded.description}\n`);
  const split = splitDataset(loaded.train, loaded.test, config.split);
  streams.stderr.write(
    `split: ${split.train.labels.length} train, ${split.validation.labels.length} validation (samples ${split.record.validation.from}-${split.record.validation.to - 1} of the training data), ${split.test.labels.length} test\n`,
  );
  streams.stderr.write(
    `model: ${[split.train.featureCount, ...config.model.hidden, split.train.classCount].join("-")} ${config.model.activation}, ${config.training.epochs} epochs, batch ${config.training.batchSize}, seed ${config.seed}\n`,
  );

  const result = await runExperiment(
    split,
    experimentSettingsOf(config),
    experimentProgressRenderer(streams.stderr),
    signal,
  );

  const totalSeconds = (performance.now() - started) / 1000;
  const results = buildResultsDocument({
    config,
    dataset: { description: loaded.description, classNames: loaded.classNames },
    result,
    totalSeconds,
    createdAt: new Date(),
  });
  writeRunFolder(outFolder, { results, stats: activationStatsDocument(result.stats), models: result.models });

  const suggestion = suggestedRow(result.rows);
  const out = streams.stdout;
  out.write("\n");
  const box = suggestion?.threshold.kind === "meanStd" ? suggestion.threshold : undefined;
  for (const layer of result.stats.layers) {
    out.write(`${renderNeuronScatter(layer, box === undefined ? {} : { threshold: box })}\n\n`);
  }
  out.write(`${renderResultsTable(result.base, result.rows, { colors: out.isTTY === true })}\n\n`);
  out.write(`${describeSuggestion(suggestion, result.base.bytes)}\n`);
  out.write(
    `backend ${result.backend.name}; train ${formatDuration(result.timings.train)}, statistics ${formatDuration(result.timings.statistics)}, sweep ${formatDuration(result.timings.sweep)}, total ${formatDuration(totalSeconds)}\n`,
  );
  out.write(`wrote ${outFolder}/results.json, stats.json and ${result.models.size} model(s) under models/\n`);
  return outFolder;
}

function datasetSourceOf(config: ExperimentConfig): DatasetSource {
  const source = parseDatasetArgument(config.dataset);
  if (source.kind === "csv" && config.labelColumn !== undefined) return { ...source, labelColumn: config.labelColumn };
  return source;
}

function describeSuggestion(row: SweepRow | null, baseBytes: number): string {
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
