import {
  type MlpWeights,
  roundNetworks,
  runPruneSchedule,
  type ScheduleRound,
  type SweepRow,
  scheduleRoundRows,
  type ThresholdSweep,
} from "@deadweight/core";
import { pruneScheduleSettingsOf } from "@deadweight/experiment-config";
import { attemptOf, type StageContext } from "../stage-context.js";
import type { LoadedRun } from "./load-stage.js";

/** The sweep and, when the configuration has a schedule, its rounds: the rows every later stage chooses among. */
export interface ScheduledSweep {
  /** The threshold sweep alone: rows whose network is the base model pruned by their threshold. */
  readonly sweep: ThresholdSweep;
  /** The sweep's rows followed by one row per round ("round-N"); the sweep's rows alone without a schedule. */
  readonly rows: SweepRow[];
  /** Each round's network by its row id (empty without a schedule). */
  readonly roundNetworks: ReadonlyMap<string, MlpWeights>;
}

/**
 * The iterative schedule after the sweep, when the configuration has one (runPruneSchedule): every
 * round is recorded as soon as it is measured, as a result row "round-N" beside the sweep's rows
 * (the report is idempotent: the sweep's rows are sent again unchanged), so a run stopped in round
 * 5 keeps rounds 1-4. Without a schedule, returns the sweep as it is and records nothing.
 */
export async function scheduleStage(
  context: StageContext,
  loaded: LoadedRun,
  weights: MlpWeights,
  sweep: ThresholdSweep,
): Promise<ScheduledSweep> {
  const settings = pruneScheduleSettingsOf(loaded.config);
  if (settings === null) return { sweep, rows: sweep.rows, roundNetworks: new Map() };
  const started = performance.now();
  const rounds: ScheduleRound[] = [];
  const { config } = loaded;
  const outcome = await runPruneSchedule({
    weights,
    base: sweep.base,
    split: loaded.split,
    settings,
    training: { batchSize: config.training.batchSize, learningRate: config.training.learningRate, seed: config.seed },
    onProgress: ({ round, maxRounds, message, training }) =>
      context.progress.set({
        stage: "sweep",
        ...(training === undefined
          ? { batch: round - 1, batches: maxRounds }
          : { epoch: training.epoch, epochs: training.epochs, loss: training.loss, accuracy: training.accuracy }),
        message: `schedule ${message}`,
      }),
    onRound: async (round) => {
      rounds.push(round);
      context.signal.throwIfAborted();
      await context.api.recordResults({
        ...attemptOf(context),
        results: {
          base: sweep.base,
          rows: [...sweep.rows, ...scheduleRoundRows(rounds)],
          backend: loaded.backend,
          split: loaded.split.record,
          timings: { schedule: (performance.now() - started) / 1000 },
        },
      });
    },
    signal: context.signal,
  });
  context.log(`run ${context.run.id}: schedule stopped after ${outcome.rounds.length} round(s): ${outcome.stopNote}`);
  return {
    sweep,
    rows: [...sweep.rows, ...scheduleRoundRows(outcome.rounds)],
    roundNetworks: roundNetworks(outcome.rounds),
  };
}
