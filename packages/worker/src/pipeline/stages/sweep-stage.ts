import {
  type ActivationStats,
  type MlpWeights,
  type RecordedInputPruning,
  runThresholdSweep,
  type ThresholdSweep,
} from "@deadweight/core";
import type { RunComputeThreads } from "../run-compute-threads.js";
import type { StageContext } from "../stage-context.js";
import type { LoadedRun } from "./load-stage.js";

/**
 * Prunes at every threshold and measures each pruned model, then records the results (idempotent:
 * an attempt that records them again replaces nothing and duplicates nothing). Under input pruning
 * the base metrics carry which inputs the network reads (`inputPruning`), here and wherever the
 * returned sweep's base is recorded again.
 */
export async function sweepStage(
  context: StageContext,
  loaded: LoadedRun,
  weights: MlpWeights,
  stats: ActivationStats,
  timings: Readonly<Record<string, number>>,
  compute: RunComputeThreads,
  inputPruning: RecordedInputPruning | null = null,
): Promise<ThresholdSweep> {
  const started = performance.now();
  const threads = await compute.get();
  const measured = await (threads === null ? runThresholdSweep : threads.runThresholdSweep)({
    weights,
    stats,
    validation: loaded.split.validation,
    test: loaded.split.test,
    thresholds: loaded.thresholds,
    onProgress: ({ done, total, rowId }) =>
      context.progress.set({
        stage: "sweep",
        batch: done,
        batches: total,
        message: `threshold ${done}/${total}: ${rowId}`,
      }),
  });
  const sweep = inputPruning === null ? measured : { ...measured, base: { ...measured.base, inputPruning } };
  context.signal.throwIfAborted();
  await context.api.recordResults({
    runId: context.run.id,
    attempt: context.run.attempt,
    results: {
      base: sweep.base,
      rows: sweep.rows,
      stats,
      backend: loaded.backend,
      split: loaded.split.record,
      timings: { ...timings, sweep: (performance.now() - started) / 1000 },
    },
  });
  return sweep;
}
