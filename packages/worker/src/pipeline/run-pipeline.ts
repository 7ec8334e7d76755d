import type { RunStage } from "@deadweight/protocol";
import { planResume } from "./resume-plan.js";
import { runComputeThreads } from "./run-compute-threads.js";
import type { StageContext } from "./stage-context.js";
import { StageFailure } from "./stage-failure.js";
import { deployStage } from "./stages/deploy-stage.js";
import { exportStage } from "./stages/export-stage.js";
import { pruneRunInputs } from "./stages/input-pruning-step.js";
import { loadStage } from "./stages/load-stage.js";
import { scheduleStage } from "./stages/schedule-stage.js";
import { statisticsStage } from "./stages/statistics-stage.js";
import { sweepStage } from "./stages/sweep-stage.js";
import { trainStage } from "./stages/train-stage.js";

/**
 * A claimed run from start to end: load -> train -> statistics -> sweep -> export -> deploy, each stage
 * reported to the server as it finishes. With pruning.inputStdThreshold, the statistics stage first
 * prunes the trained network's near-constant inputs (pruneRunInputs). A configured pruning schedule runs at the end of the sweep
 * stage (its rounds are result rows like the sweep's). Training is skipped when an earlier attempt stored the
 * base model (see resume-plan.ts). Throws StageFailure naming the stage that failed, or the abort
 * signal's reason (a RunStop) when told to stop.
 */
export async function runPipeline(context: StageContext): Promise<void> {
  const { run, api, signal } = context;
  const timings: Record<string, number> = {};
  const stage = async <T>(
    name: RunStage,
    work: () => Promise<T>,
    isNewWork: (result: T) => boolean = () => true,
  ): Promise<T> => {
    signal.throwIfAborted();
    context.progress.set({ stage: name });
    const started = performance.now();
    let result: T;
    try {
      result = await work();
    } catch (error) {
      // When the run was told to stop, whatever the stage threw (e.g. training's CANCELED) is a consequence.
      signal.throwIfAborted();
      throw new StageFailure(name, error);
    }
    const seconds = (performance.now() - started) / 1000;
    timings[name] = seconds;
    signal.throwIfAborted();
    if (isNewWork(result)) {
      try {
        await api.completeStage({ runId: run.id, attempt: run.attempt, stage: name, seconds });
      } catch (error) {
        signal.throwIfAborted();
        throw new StageFailure(name, error);
      }
    }
    return result;
  };

  const plan = planResume(run);
  context.log(`run ${run.id} attempt ${run.attempt}: ${plan.reason}`);
  const loaded = await stage("load", () => loadStage(context));
  // Reported only when this attempt trained: a loaded model was reported by the attempt that trained it.
  const trained = await stage(
    "train",
    () => trainStage(context, loaded, plan),
    (result) => result.training !== null,
  );
  // The statistics pass and the sweep share the run's compute threads (none at 1 thread), ended here however they end.
  // Under input pruning, every stage from here on works on the input-pruned network and the narrowed split.
  const compute = runComputeThreads(loaded.backend);
  const { network, stats, swept } = await (async () => {
    try {
      const { network, stats } = await stage("statistics", async () => {
        const network = pruneRunInputs(context, loaded, trained.weights);
        return { network, stats: await statisticsStage(context, network.loaded, network.weights, compute) };
      });
      const swept = await stage("sweep", async () =>
        scheduleStage(
          context,
          network.loaded,
          network.weights,
          await sweepStage(context, network.loaded, network.weights, stats, timings, compute, network.inputPruning),
        ),
      );
      return { network, stats, swept };
    } finally {
      await compute.close();
    }
  })();
  const { weights } = network;
  await stage("export", () => exportStage(context, network.loaded, weights, stats, swept));
  await stage("deploy", () => deployStage(context, network.loaded, { ...trained, weights }, stats, swept));
}
