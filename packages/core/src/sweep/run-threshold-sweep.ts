import type { Dataset } from "../data/dataset.js";
import { type DenseLayerTensors, disposeDenseLayers, uploadDenseLayer } from "../model/dense-forward.js";
import { float32Bytes, hiddenLayerSizes, type MlpWeights, parameterCount } from "../model/mlp-weights.js";
import { applyPruningPlan } from "../pruning/apply-pruning-plan.js";
import { planPruning } from "../pruning/plan-pruning.js";
import type { PruningPlan } from "../pruning/pruning-plan.js";
import { type PruningThreshold, thresholdId } from "../pruning/pruning-threshold.js";
import type { ActivationStats } from "../stats/activation-stats.js";
import { accuracyFromFirstLayerCache, buildFirstLayerCache, type FirstLayerCache } from "./first-layer-cache.js";
import { measureLatencyMsPerSample } from "./measure-latency.js";
import { paretoFrontier } from "./pareto-frontier.js";
import type { BaseModelMetrics, SweepRow } from "./sweep-row.js";

export interface SweepInput {
  /** The trained, unpruned network's parameters. */
  readonly weights: MlpWeights;
  /** Activation statistics from the validation set (planPruning reads only these). */
  readonly stats: ActivationStats;
  readonly validation: Dataset;
  readonly test: Dataset;
  readonly thresholds: readonly PruningThreshold[];
  readonly onProgress?: (progress: { readonly done: number; readonly total: number; readonly rowId: string }) => void;
}

/** The outcome of a sweep: the base model and one measured row per threshold. */
export interface ThresholdSweep {
  readonly base: BaseModelMetrics;
  readonly rows: SweepRow[];
  readonly seconds: number;
}

/** The rows of some of a sweep's thresholds, measured, before the Pareto frontier is known. */
export interface MeasuredThresholdRows {
  readonly base: BaseModelMetrics;
  readonly rows: Omit<SweepRow, "pareto">[];
}

/**
 * Prunes at every threshold and measures each pruned network: kept neurons, parameters, bytes,
 * validation and test accuracy, drops against the base, latency, and the Pareto frontier of
 * validation accuracy vs parameters. The first hidden layer's activations are computed once and
 * shared by all thresholds.
 */
export async function runThresholdSweep(input: SweepInput): Promise<ThresholdSweep> {
  const started = performance.now();
  const measured = await measureThresholdRows(input);
  return assembleThresholdSweep(measured.base, measured.rows, (performance.now() - started) / 1000);
}

/**
 * The sweep from its rows in threshold order (from one measureThresholdRows call, or several over
 * consecutive shares of the thresholds, concatenated): marks the Pareto frontier. A pure decision.
 */
export function assembleThresholdSweep(
  base: BaseModelMetrics,
  measured: readonly Omit<SweepRow, "pareto">[],
  seconds: number,
): ThresholdSweep {
  const okIndices = measured.flatMap((row, index) => (row.status === "ok" ? [index] : []));
  const frontier = paretoFrontier(
    okIndices.map((index) => ({
      size: (measured[index] as SweepRow).parameters,
      accuracy: (measured[index] as SweepRow).validationAccuracy as number,
    })),
  );
  const onFrontier = new Set([...frontier].map((position) => okIndices[position] as number));
  const rows = measured.map((row, index): SweepRow => ({ ...row, pareto: onFrontier.has(index) }));
  return { base, rows, seconds };
}

/** The base model's metrics and one row per threshold of `input`, without the Pareto frontier (see assembleThresholdSweep). */
export async function measureThresholdRows(input: SweepInput): Promise<MeasuredThresholdRows> {
  const { weights, stats, thresholds } = input;
  const latencySample = input.test.features.subarray(0, input.test.featureCount);
  const firstLayer = uploadDenseLayer(weights.layers[0] as MlpWeights["layers"][0]);
  try {
    const validationCache = buildFirstLayerCache(firstLayer, input.validation);
    const testCache = buildFirstLayerCache(firstLayer, input.test);
    const baseLayers = weights.layers.map(uploadDenseLayer);
    const base: BaseModelMetrics = (() => {
      try {
        return {
          hiddenSizes: hiddenLayerSizes(weights),
          parameters: parameterCount(weights),
          bytes: float32Bytes(weights),
          validationAccuracy: accuracyFromFirstLayerCache(validationCache, null, baseLayers.slice(1)),
          testAccuracy: accuracyFromFirstLayerCache(testCache, null, baseLayers.slice(1)),
          latencyMsPerSample: measureLatencyMsPerSample(baseLayers, latencySample),
        };
      } finally {
        disposeDenseLayers(baseLayers);
      }
    })();

    const measured: Omit<SweepRow, "pareto">[] = [];
    // Neighbouring thresholds often keep exactly the same neurons: measure each distinct plan once.
    const measuredByPlan = new Map<string, Omit<SweepRow, "pareto">>();
    for (const [index, threshold] of thresholds.entries()) {
      const plan = planPruning(stats, threshold);
      const key = planKey(plan);
      const earlier = measuredByPlan.get(key);
      const row =
        earlier !== undefined
          ? { ...earlier, id: thresholdId(threshold), threshold }
          : plan.emptiedLayers.length > 0
            ? emptiedLayerRow(plan, weights, base)
            : measurePrunedRow(plan, weights, base, validationCache, testCache, latencySample);
      measuredByPlan.set(key, row);
      measured.push(row);
      input.onProgress?.({ done: index + 1, total: thresholds.length, rowId: thresholdId(threshold) });
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    return { base, rows: measured };
  } finally {
    disposeDenseLayers([firstLayer]);
  }
}

/** Two plans with the same key build the same network. */
function planKey(plan: PruningPlan): string {
  const folded = plan.layers.some((layer) => layer.foldedValues !== undefined) ? "fold:" : "";
  return folded + plan.layers.map((layer) => layer.kept.join(",")).join("|");
}

function sizeFields(plan: PruningPlan, pruned: MlpWeights | null, weights: MlpWeights, base: BaseModelMetrics) {
  const keptNeurons = plan.layers.map((layer) => layer.kept.length);
  const keptNeuronTotal = keptNeurons.reduce((sum, n) => sum + n, 0);
  const baseNeurons = base.hiddenSizes.reduce((sum, n) => sum + n, 0);
  const parameters = pruned === null ? parametersForSizes(weights, keptNeurons) : parameterCount(pruned);
  return {
    id: thresholdId(plan.threshold),
    threshold: plan.threshold,
    keptNeurons,
    keptNeuronTotal,
    parameters,
    bytes: parameters * 4,
    parameterReductionPercent: (100 * (base.parameters - parameters)) / base.parameters,
    neuronReductionPercent: (100 * (baseNeurons - keptNeuronTotal)) / baseNeurons,
  };
}

function emptiedLayerRow(plan: PruningPlan, weights: MlpWeights, base: BaseModelMetrics): Omit<SweepRow, "pareto"> {
  const layers = plan.emptiedLayers.map((layer) => layer + 1).join(", ");
  return {
    ...sizeFields(plan, null, weights, base),
    status: "emptied-layer",
    note: `removes every neuron of hidden layer ${layers}: no network left`,
    validationAccuracy: null,
    testAccuracy: null,
    validationAccuracyDrop: null,
    testAccuracyDrop: null,
    latencyMsPerSample: null,
  };
}

function measurePrunedRow(
  plan: PruningPlan,
  weights: MlpWeights,
  base: BaseModelMetrics,
  validationCache: FirstLayerCache,
  testCache: FirstLayerCache,
  latencySample: Float32Array,
): Omit<SweepRow, "pareto"> {
  const pruned = applyPruningPlan(weights, plan);
  const prunedLayers: DenseLayerTensors[] = pruned.layers.map(uploadDenseLayer);
  const firstKept = plan.layers[0]?.kept ?? [];
  const keptFirstLayer = firstKept.length === weights.layers[0]?.outputSize ? null : firstKept;
  try {
    const later = prunedLayers.slice(1);
    const validationAccuracy = accuracyFromFirstLayerCache(validationCache, keptFirstLayer, later);
    const testAccuracy = accuracyFromFirstLayerCache(testCache, keptFirstLayer, later);
    return {
      ...sizeFields(plan, pruned, weights, base),
      status: "ok",
      validationAccuracy,
      testAccuracy,
      validationAccuracyDrop: 100 * (base.validationAccuracy - validationAccuracy),
      testAccuracyDrop: 100 * (base.testAccuracy - testAccuracy),
      latencyMsPerSample: measureLatencyMsPerSample(prunedLayers, latencySample),
    };
  } finally {
    disposeDenseLayers(prunedLayers);
  }
}

/** Parameters of the base architecture with hidden layers resized to `hidden` (used where no network can be built). */
function parametersForSizes(weights: MlpWeights, hidden: readonly number[]): number {
  const first = weights.layers[0] as MlpWeights["layers"][0];
  const last = weights.layers[weights.layers.length - 1] as MlpWeights["layers"][0];
  const sizes = [first.inputSize, ...hidden, last.outputSize];
  let total = 0;
  for (let i = 1; i < sizes.length; i++)
    total += (sizes[i - 1] as number) * (sizes[i] as number) + (sizes[i] as number);
  return total;
}
