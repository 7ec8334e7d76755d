import {
  defaultExperimentConfig,
  type ExperimentConfig,
  experimentConfigSchema,
  seedListFromText,
} from "@deadweight/experiment-config";

export type Criterion = ExperimentConfig["pruning"]["criterion"];

/** The New-experiment form's text, as typed; turned into the experiment configuration on submit. */
export interface ExperimentDraft {
  name: string;
  description: string;
  tags: string;
  dataset: string;
  validationFraction: string;
  maxTrainSamples: string;
  maxTestSamples: string;
  scale: ExperimentConfig["split"]["scale"];
  hidden: string;
  activation: ExperimentConfig["model"]["activation"];
  epochs: string;
  batchSize: string;
  learningRate: string;
  criterion: Criterion;
  means: string;
  stds: string;
  apoz: string;
  keepFractions: string;
  /** Empty: every input is kept; else inputs whose std on validation is at most this are pruned. */
  inputStdThreshold: string;
  /** The iterative schedule (prune, fine-tune, measure again, round after round), off unless checked. */
  scheduleOn: boolean;
  scheduleRounds: string;
  scheduleRecoverEpochs: string;
  /** "auto": the sweep's largest cut within the round drop; "keep": keep a fixed fraction by std every round. */
  scheduleCut: ScheduleCut;
  scheduleRoundDrop: string;
  scheduleKeep: string;
  scheduleTargetKept: string;
  scheduleTargetDrop: string;
  seed: string;
  /** Comma-separated; when filled, one run per seed (and the runs count is not sent). */
  seeds: string;
  runs: string;
  budgetKilobytes: string;
  maxDropPoints: string;
  maxLatencyMicroseconds: string;
  dtypes: string[];
  recoveryEpochs: string;
  recover: ExperimentConfig["deployment"]["recover"];
  bundles: ExperimentConfig["deployment"]["bundles"];
}

export type ScheduleCut = "auto" | "keep";

/** The fixed cut the form offers when none is configured: keep 75% by std (what bench:frontier found works on MNIST). */
const DEFAULT_SCHEDULE_KEEP = 0.75;

/** Problems found in a draft, keyed by the input path the API uses ("config.training.epochs"). */
export type FieldErrors = Record<string, string>;

/** What the form sends to `experiment.create` (the project comes from the page). */
export interface ExperimentSubmission {
  readonly name: string;
  readonly description: string;
  readonly tags: string[];
  readonly runs: number | undefined;
  readonly config: Record<string, unknown>;
}

const optionalText = (value: number | undefined) => (value === undefined ? "" : String(value));
const listText = (values: readonly number[]) => values.join(", ");

/**
 * The form's starting text for a configuration, by default the schema's own defaults (the CLI's
 * with no flags): the form keeps no defaults of its own. Every field the form shows is filled in.
 */
export function draftOf(config: ExperimentConfig = defaultExperimentConfig()): ExperimentDraft {
  const budget = config.deployment.budget;
  // The schema's schedule defaults when the configuration has no schedule (the form shows them, unchecked).
  const schedule = config.schedule ?? experimentConfigSchema.parse({ schedule: {} }).schedule;
  const fixed = schedule?.thresholds === "fixed" ? schedule.threshold : undefined;
  return {
    name: "",
    description: "",
    tags: "",
    dataset: config.dataset,
    validationFraction: String(config.split.validationFraction),
    maxTrainSamples: optionalText(config.split.maxTrainSamples),
    maxTestSamples: optionalText(config.split.maxTestSamples),
    scale: config.split.scale,
    hidden: listText(config.model.hidden),
    activation: config.model.activation,
    epochs: String(config.training.epochs),
    batchSize: String(config.training.batchSize),
    learningRate: String(config.training.learningRate),
    criterion: config.pruning.criterion,
    means: listText(config.pruning.means),
    stds: listText(config.pruning.stds),
    apoz: listText(config.pruning.apoz),
    keepFractions: listText(config.pruning.keepFractions),
    inputStdThreshold: config.pruning.inputStdThreshold === null ? "" : String(config.pruning.inputStdThreshold),
    scheduleOn: config.schedule !== undefined,
    scheduleRounds: String(schedule?.rounds ?? ""),
    scheduleRecoverEpochs: String(schedule?.recoverEpochs ?? ""),
    scheduleCut: schedule?.thresholds === "fixed" ? "keep" : "auto",
    scheduleRoundDrop: String(schedule?.roundDrop ?? ""),
    scheduleKeep: String(fixed?.kind === "rank" ? fixed.keepFraction : DEFAULT_SCHEDULE_KEEP),
    scheduleTargetKept: optionalText(schedule?.targetKept),
    scheduleTargetDrop: optionalText(schedule?.targetDrop),
    seed: String(config.seed),
    seeds: config.seeds === undefined ? "" : listText(config.seeds),
    // Not part of the configuration: how many runs the experiment queues at once.
    runs: "1",
    budgetKilobytes: budget === undefined ? "" : String(budget.maxBytes / 1024),
    maxDropPoints: optionalText(budget?.maxAccuracyDropPoints),
    maxLatencyMicroseconds: optionalText(
      budget?.maxLatencyMsPerSample === undefined ? undefined : budget.maxLatencyMsPerSample * 1000,
    ),
    dtypes: [...config.deployment.dtypes],
    recoveryEpochs: String(config.deployment.recoveryEpochs),
    recover: config.deployment.recover,
    bundles: config.deployment.bundles,
  };
}

/**
 * Parses the draft into what the form submits; problems are reported per field with the same paths
 * the API uses. Only the chosen criterion's grid is sent: the others stay at the schema's defaults.
 */
export function submissionOf(draft: ExperimentDraft): { input: ExperimentSubmission; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const number = (path: string, text: string, optional = false): number | undefined => {
    if (text.trim() === "") {
      if (!optional) errors[path] = "required";
      return undefined;
    }
    const value = Number(text);
    if (!Number.isFinite(value)) errors[path] = `"${text}" is not a number`;
    return value;
  };
  const list = (path: string, text: string): number[] => {
    const parts = text
      .split(/[\s,]+/)
      .map((part) => part.trim())
      .filter((part) => part !== "");
    const bad = parts.find((part) => !Number.isFinite(Number(part)));
    if (bad !== undefined) errors[path] = `"${bad}" is not a number (separate values with commas)`;
    else if (parts.length === 0) errors[path] = "give at least one value";
    return parts.map(Number);
  };
  const maxTrainSamples = number("config.split.maxTrainSamples", draft.maxTrainSamples, true);
  const maxTestSamples = number("config.split.maxTestSamples", draft.maxTestSamples, true);
  const pruning: Record<string, unknown> = { criterion: draft.criterion };
  if (draft.criterion === "meanStd" || draft.criterion === "stdFold") {
    pruning.stds = list("config.pruning.stds", draft.stds);
    if (draft.criterion === "meanStd") pruning.means = list("config.pruning.means", draft.means);
  } else if (draft.criterion === "apoz") {
    pruning.apoz = list("config.pruning.apoz", draft.apoz);
  } else {
    pruning.keepFractions = list("config.pruning.keepFractions", draft.keepFractions);
  }
  const inputStdThreshold = number("config.pruning.inputStdThreshold", draft.inputStdThreshold, true);
  if (inputStdThreshold !== undefined) pruning.inputStdThreshold = inputStdThreshold;
  const schedule = draft.scheduleOn ? scheduleOf(draft, number) : undefined;
  const budgetKilobytes = number("config.deployment.budget.maxBytes", draft.budgetKilobytes, true);
  const maxDropPoints = number("config.deployment.budget.maxAccuracyDropPoints", draft.maxDropPoints, true);
  const maxLatencyMicroseconds = number(
    "config.deployment.budget.maxLatencyMsPerSample",
    draft.maxLatencyMicroseconds,
    true,
  );
  if (budgetKilobytes === undefined && (maxDropPoints !== undefined || maxLatencyMicroseconds !== undefined)) {
    errors["config.deployment.budget.maxBytes"] = "set the device budget too (the other limits refine it)";
  }
  if (draft.dtypes.length === 0) errors["config.deployment.dtypes"] = "choose at least one";
  const deployment = {
    ...(budgetKilobytes === undefined
      ? {}
      : {
          budget: {
            maxBytes: Math.round(budgetKilobytes * 1024),
            ...(maxDropPoints === undefined ? {} : { maxAccuracyDropPoints: maxDropPoints }),
            ...(maxLatencyMicroseconds === undefined ? {} : { maxLatencyMsPerSample: maxLatencyMicroseconds / 1000 }),
          },
        }),
    dtypes: draft.dtypes,
    recoveryEpochs: number("config.deployment.recoveryEpochs", draft.recoveryEpochs),
    recover: draft.recover,
    bundles: draft.bundles,
  };
  const seeds = draft.seeds.trim() === "" ? undefined : seedListFromText(draft.seeds);
  if (seeds !== undefined && "error" in seeds) errors["config.seeds"] = seeds.error;
  const seedList = seeds !== undefined && "seeds" in seeds ? seeds.seeds : undefined;
  const input: ExperimentSubmission = {
    name: draft.name,
    description: draft.description,
    tags: draft.tags
      .split(",")
      .map((tag) => tag.trim())
      .filter((tag) => tag !== ""),
    // Listed seeds decide how many runs: one each.
    runs: seeds === undefined ? number("runs", draft.runs) : undefined,
    config: {
      dataset: draft.dataset.trim(),
      split: {
        validationFraction: number("config.split.validationFraction", draft.validationFraction),
        ...(maxTrainSamples === undefined ? {} : { maxTrainSamples }),
        ...(maxTestSamples === undefined ? {} : { maxTestSamples }),
        scale: draft.scale,
      },
      model: { hidden: list("config.model.hidden", draft.hidden), activation: draft.activation },
      training: {
        epochs: number("config.training.epochs", draft.epochs),
        batchSize: number("config.training.batchSize", draft.batchSize),
        learningRate: number("config.training.learningRate", draft.learningRate),
      },
      pruning,
      ...(schedule === undefined ? {} : { schedule }),
      deployment,
      seed: number("config.seed", draft.seed),
      ...(seedList === undefined ? {} : { seeds: seedList }),
    },
  };
  return { input, errors };
}

/**
 * The schedule section of a checked schedule. A fixed cut is the rank criterion's "keep this fraction
 * of every hidden layer, highest std first" (a config file can name any threshold; the form offers this one).
 */
function scheduleOf(
  draft: ExperimentDraft,
  number: (path: string, text: string, optional?: boolean) => number | undefined,
): Record<string, unknown> {
  const targetKept = number("config.schedule.targetKept", draft.scheduleTargetKept, true);
  const targetDrop = number("config.schedule.targetDrop", draft.scheduleTargetDrop, true);
  return {
    rounds: number("config.schedule.rounds", draft.scheduleRounds),
    recoverEpochs: number("config.schedule.recoverEpochs", draft.scheduleRecoverEpochs),
    ...(draft.scheduleCut === "auto"
      ? { thresholds: "auto", roundDrop: number("config.schedule.roundDrop", draft.scheduleRoundDrop) }
      : {
          thresholds: "fixed",
          threshold: {
            kind: "rank",
            keepFraction: number("config.schedule.threshold.keepFraction", draft.scheduleKeep),
            score: "std",
          },
        }),
    ...(targetKept === undefined ? {} : { targetKept }),
    ...(targetDrop === undefined ? {} : { targetDrop }),
  };
}
