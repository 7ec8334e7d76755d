import {
  type DeploymentRecord,
  type DeploymentRowReport,
  type ExperimentResult,
  type ScheduleOutcome,
  type ScheduleRound,
  type SweepRow,
  scheduleRoundRows,
  suggestedRow,
} from "@deadweight/core";
import type { ExperimentConfig } from "@deadweight/experiment-config";

/**
 * The deploy step as results.json records it: the decision as a worker records it (basis, budget,
 * answer, chosen candidate, model card, note), every measured row's bundles and recovery (file names
 * relative to results.json), and how long it took.
 */
export type ResultsDeployment = DeploymentRecord & {
  readonly rows: DeploymentRowReport[];
  readonly seconds: number;
};

/** What results.json holds: everything needed to read, compare or reproduce the run. */
export interface ResultsDocument {
  readonly tool: "deadweight";
  readonly formatVersion: 1;
  readonly createdAt: string;
  readonly config: ExperimentConfig;
  readonly dataset: { readonly description: string; readonly classNames: string[] | null };
  readonly backend: ExperimentResult["backend"];
  readonly split: ExperimentResult["split"];
  readonly training: ExperimentResult["training"];
  readonly base: ExperimentResult["base"];
  /** Whether the base model learned: the majority-class rate beside its accuracy, the verdict and, if it failed, why. */
  readonly learning: ExperimentResult["learning"];
  /** The feature scaling the network was trained with, folded into every exported model (which so takes raw features). */
  readonly featureScaling: ExperimentResult["featureScaling"];
  /**
   * Input-feature pruning (pruning.inputStdThreshold): which inputs the network kept and its
   * parameter count before; null when every input is kept. `base` and `rows` describe the network
   * with pruned inputs.
   */
  readonly inputPruning: ExperimentResult["inputPruning"];
  /**
   * The sweep's rows, then one row per schedule round ("round-N"), each with the inputs its network
   * reads and, under input pruning, its reduction against the network before it.
   */
  readonly rows: ResultsRow[];
  /** The smallest row (sweep or round) within 0.5 validation points of the base model. */
  readonly suggestedRowId: string | null;
  /** The iterative schedule: every round (its network is under models/round-N when exported) and why it stopped; null without one. */
  readonly schedule: ResultsSchedule | null;
  readonly timings: ExperimentResult["timings"] & { readonly total: number };
  /** Model id ("base" or a row id) -> folder relative to results.json. */
  readonly models: Record<string, string>;
  /** null while the deployment has not finished (it runs after the sweep, and may fail or be stopped). */
  readonly deployment: ResultsDeployment | null;
}

/** A sweep or round row as results.json records it. */
export type ResultsRow = SweepRow & {
  /** Input features the row's network reads (the original width without input pruning). */
  readonly inputsKept: number;
  /** Parameters removed, in percent of the trained network before input pruning; null without input pruning. */
  readonly parameterReductionWithInputsPercent: number | null;
};

/** The schedule as results.json records it: the rounds without their weights. */
export interface ResultsSchedule {
  readonly stopReason: ScheduleOutcome["stopReason"];
  readonly stopNote: string;
  readonly seconds: number;
  readonly rounds: Omit<ScheduleRound, "weights">[];
}

export function buildResultsDocument(input: {
  readonly config: ExperimentConfig;
  readonly dataset: ResultsDocument["dataset"];
  readonly result: ExperimentResult;
  readonly totalSeconds: number;
  readonly createdAt: Date;
  readonly deployment?: ResultsDeployment | null;
  readonly schedule?: ScheduleOutcome | null;
  /** Model id -> files written; default the experiment's models. */
  readonly modelIds?: readonly string[];
}): ResultsDocument {
  const { result } = input;
  const schedule = input.schedule ?? null;
  const rows = [...result.rows, ...scheduleRoundRows(schedule?.rounds ?? [])];
  const modelIds = input.modelIds ?? [...result.models.keys()];
  return {
    tool: "deadweight",
    formatVersion: 1,
    createdAt: input.createdAt.toISOString(),
    config: input.config,
    dataset: input.dataset,
    backend: result.backend,
    split: result.split,
    training: result.training,
    base: result.base,
    learning: result.learning,
    featureScaling: result.featureScaling,
    inputPruning: result.inputPruning,
    rows: rows.map((row) => resultsRow(row, result)),
    suggestedRowId: suggestedRow(rows, result.learning)?.id ?? null,
    schedule:
      schedule === null
        ? null
        : {
            stopReason: schedule.stopReason,
            stopNote: schedule.stopNote,
            seconds: schedule.seconds,
            rounds: schedule.rounds.map(({ weights: _weights, ...round }) => round),
          },
    timings: { ...result.timings, total: input.totalSeconds },
    models: Object.fromEntries(modelIds.map((id) => [id, `models/${id}`])),
    deployment: input.deployment ?? null,
  };
}

function resultsRow(row: SweepRow, result: ExperimentResult): ResultsRow {
  const before = result.inputPruning?.parametersBeforeInputPruning;
  return {
    ...row,
    inputsKept: result.weights.layers[0]?.inputSize ?? 0,
    parameterReductionWithInputsPercent: before === undefined ? null : (100 * (before - row.parameters)) / before,
  };
}
