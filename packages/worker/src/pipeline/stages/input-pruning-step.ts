import { type MlpWeights, pruneNetworkInputs, type RecordedInputPruning, recordedInputPruning } from "@deadweight/core";
import type { StageContext } from "../stage-context.js";
import type { LoadedRun } from "./load-stage.js";

/** The network every stage after training works on, and the run as that network reads it. */
export interface RunNetwork {
  /** The run with its split narrowed to the kept inputs under input pruning (the loaded run unchanged otherwise). */
  readonly loaded: LoadedRun;
  /** The trained network, its near-constant inputs removed under input pruning. */
  readonly weights: MlpWeights;
  /** What input pruning kept, recorded with the run's base metrics; null when every input is kept. */
  readonly inputPruning: RecordedInputPruning | null;
}

/**
 * With pruning.inputStdThreshold, prunes the trained network's inputs as `deadweight prune` does (the
 * core's pruneNetworkInputs: std on the validation set, the plan, their means folded into the first
 * layer's bias) and narrows the split, so statistics, sweep, schedule, export and deploy see the
 * smaller network and every model they ship states the input contract. Without it, changes nothing.
 */
export function pruneRunInputs(context: StageContext, loaded: LoadedRun, trained: MlpWeights): RunNetwork {
  const stdThreshold = loaded.config.pruning.inputStdThreshold;
  if (stdThreshold === null) return { loaded, weights: trained, inputPruning: null };
  context.progress.set({ stage: "statistics", message: "pruning near-constant input features" });
  const pruned = pruneNetworkInputs(trained, loaded.split, stdThreshold);
  const inputPruning = recordedInputPruning(pruned, trained);
  context.log(
    `run ${context.run.id}: inputs: kept ${inputPruning.keptCount} of ${inputPruning.originalWidth} features (std > ${stdThreshold} on validation; the others' means folded into the first layer)`,
  );
  return { loaded: { ...loaded, split: pruned.split }, weights: pruned.weights, inputPruning };
}
