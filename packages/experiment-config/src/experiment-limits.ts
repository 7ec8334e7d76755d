import { MAX_RESULT_ROWS } from "@deadweight/core/tensor-free";
import { z } from "zod";
import type { ExperimentConfig } from "./experiment-config.js";
import { sweepThresholdCount } from "./experiment-config.js";
import { unsafeCharacterIn } from "./text-safety.js";

const limit = z.number().int("must be a whole number").positive("must be at least 1");

/**
 * What a server accepts in one experiment: a configuration past any of these is refused when the
 * experiment is created, naming the field and the limit, instead of taking a worker down later
 * (a billion-unit layer, a billion epochs, a grid whose results cannot be stored). Settings of the
 * server (DEADWEIGHT_EXPERIMENT_LIMITS), each with the default below.
 */
export const experimentLimitsSchema = z
  .object({
    /** Hidden layers in the network. */
    maxHiddenLayers: limit.default(16),
    /** Units in any one hidden layer. */
    maxHiddenUnits: limit.default(8192),
    /** Training epochs. */
    maxEpochs: limit.default(1000),
    /** Samples per training batch. */
    maxBatchSize: limit.default(65_536),
    /** Thresholds in the sweep, so rows in the results (never more than the results may hold). */
    maxSweepRows: limit
      .max(MAX_RESULT_ROWS, `must be at most ${MAX_RESULT_ROWS}, the most rows a run's results may hold`)
      .default(MAX_RESULT_ROWS),
    /** Rounds of the iterative schedule (each one measures, prunes and fine-tunes the network again). */
    maxScheduleRounds: limit.default(20),
    /** split.maxTrainSamples and split.maxTestSamples. */
    maxSamples: limit.default(10_000_000),
    /** Characters in the dataset reference, the label column's name and the output folder. */
    maxTextLength: limit.default(1000),
  })
  .strict();

export type ExperimentLimits = z.output<typeof experimentLimitsSchema>;

/** Every limit at its default. */
export const DEFAULT_EXPERIMENT_LIMITS: ExperimentLimits = experimentLimitsSchema.parse({});

/** A configuration field past a limit: the field's path in the configuration and what to do. */
export interface LimitViolation {
  /** "model.hidden[0]", "training.epochs", "pruning": where in the configuration. */
  readonly field: string;
  readonly message: string;
}

/**
 * Limits as an operator writes them (JSON, e.g. DEADWEIGHT_EXPERIMENT_LIMITS='{"maxEpochs":2000}'),
 * the others at their defaults. Throws a RangeError saying which limit is wrong and why.
 */
export function parseExperimentLimits(json: string | undefined): ExperimentLimits {
  if (json === undefined || json.trim() === "") return DEFAULT_EXPERIMENT_LIMITS;
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch {
    throw new RangeError('expected a JSON object of limits, e.g. {"maxEpochs": 2000, "maxHiddenUnits": 4096}');
  }
  const parsed = experimentLimitsSchema.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.length === 0 ? "(the object)" : issue.path.join(".")}: ${issue.message}`,
    );
    throw new RangeError(problems.join("; "));
  }
  return parsed.data;
}

/** Every field of `config` past one of `limits` (empty: the experiment is within them). */
export function experimentLimitViolations(config: ExperimentConfig, limits: ExperimentLimits): LimitViolation[] {
  const violations: LimitViolation[] = [];
  const over = (field: string, what: string, value: number, max: number, setting: keyof ExperimentLimits) => {
    if (value > max) {
      violations.push({
        field,
        message: `${value} ${what} is more than this server allows (${setting}: ${max}); use less, or ask the server's operator to raise ${setting} in DEADWEIGHT_EXPERIMENT_LIMITS`,
      });
    }
  };
  const { hidden } = config.model;
  over("model.hidden", "hidden layers", hidden.length, limits.maxHiddenLayers, "maxHiddenLayers");
  hidden.forEach((units, i) => {
    over(`model.hidden[${i}]`, "units in a hidden layer", units, limits.maxHiddenUnits, "maxHiddenUnits");
  });
  over("training.epochs", "epochs", config.training.epochs, limits.maxEpochs, "maxEpochs");
  over("training.batchSize", "samples per batch", config.training.batchSize, limits.maxBatchSize, "maxBatchSize");
  over(
    "pruning",
    `thresholds in the ${config.pruning.criterion} sweep`,
    sweepThresholdCount(config),
    limits.maxSweepRows,
    "maxSweepRows",
  );
  const { schedule } = config;
  if (schedule !== undefined) {
    over("schedule.rounds", "schedule rounds", schedule.rounds, limits.maxScheduleRounds, "maxScheduleRounds");
    // Recovery trains too: all rounds' fine-tuning together is held to the training limit.
    over(
      "schedule.recoverEpochs",
      `recovery epochs in all (${schedule.rounds} rounds x ${schedule.recoverEpochs})`,
      schedule.rounds * schedule.recoverEpochs,
      limits.maxEpochs,
      "maxEpochs",
    );
    const rows = sweepThresholdCount(config) + schedule.rounds;
    if (rows > MAX_RESULT_ROWS) {
      violations.push({
        field: "schedule.rounds",
        message: `${rows} result rows (the sweep's and one per round) are more than a run's results may hold (${MAX_RESULT_ROWS}); use fewer thresholds or rounds`,
      });
    }
  }
  const { maxTrainSamples, maxTestSamples } = config.split;
  if (maxTrainSamples !== undefined) {
    over("split.maxTrainSamples", "training samples", maxTrainSamples, limits.maxSamples, "maxSamples");
  }
  if (maxTestSamples !== undefined) {
    over("split.maxTestSamples", "test samples", maxTestSamples, limits.maxSamples, "maxSamples");
  }
  const texts: [string, string | undefined][] = [
    ["dataset", config.dataset],
    ["labelColumn", typeof config.labelColumn === "string" ? config.labelColumn : undefined],
    ["out", config.out],
  ];
  for (const [field, text] of texts) {
    if (text === undefined) continue;
    over(field, "characters", text.length, limits.maxTextLength, "maxTextLength");
    const unsafe = unsafeCharacterIn(text);
    if (unsafe !== null) {
      violations.push({
        field,
        message: `contains ${unsafe}; remove it (control and bidirectional characters are refused)`,
      });
    }
  }
  return violations;
}
