import { DeadweightError } from "../errors.js";
import type { ActivationStats, NeuronStats } from "../stats/activation-stats.js";
import type { LayerPlan, PruningPlan } from "./pruning-plan.js";
import { type PruningThreshold, type RankScore, thresholdId } from "./pruning-threshold.js";

/** Throws INVALID_THRESHOLD, naming the field, for a threshold that has no meaning. */
export function assertValidThreshold(threshold: PruningThreshold): void {
  const bad = (field: string, value: unknown, expected: string): never => {
    throw new DeadweightError(
      "INVALID_THRESHOLD",
      `threshold ${thresholdId(threshold)}: ${field} must be ${expected}, got ${String(value)}`,
    );
  };
  const nonNegative = (field: string, value: number) => {
    if (!(Number.isFinite(value) && value >= 0)) bad(field, value, "a finite number >= 0");
  };
  switch (threshold.kind) {
    case "meanStd":
      nonNegative("mean", threshold.mean);
      nonNegative("std", threshold.std);
      return;
    case "stdFold":
      nonNegative("std", threshold.std);
      return;
    case "apoz":
      if (!(threshold.apoz >= 0 && threshold.apoz <= 1)) bad("apoz", threshold.apoz, "a fraction between 0 and 1");
      return;
    case "rank":
      if (!(threshold.keepFraction > 0 && threshold.keepFraction <= 1)) {
        bad("keepFraction", threshold.keepFraction, "a fraction in (0, 1]");
      }
      if (!["std", "meanAbs", "nonZeroFraction"].includes(threshold.score)) {
        bad("score", threshold.score, '"std", "meanAbs" or "nonZeroFraction"');
      }
      return;
    default:
      throw new DeadweightError(
        "INVALID_THRESHOLD",
        `unknown criterion "${String((threshold as { kind: unknown }).kind)}": use meanStd, stdFold, apoz or rank`,
      );
  }
}

/**
 * Decides, from validation statistics alone, which hidden neurons stay under a threshold. Input and
 * output layers are never touched. A layer the threshold would empty is listed in `emptiedLayers`.
 */
export function planPruning(stats: ActivationStats, threshold: PruningThreshold): PruningPlan {
  assertValidThreshold(threshold);
  const layers = stats.layers.map((layer): LayerPlan => {
    const { neurons } = layer;
    const kept =
      threshold.kind === "rank"
        ? topByScore(neurons, threshold.keepFraction, threshold.score)
        : neurons.flatMap((neuron, index) => (isPruned(neuron, threshold) ? [] : [index]));
    const plan: LayerPlan = { layerIndex: layer.layerIndex, originalSize: neurons.length, kept };
    if (threshold.kind !== "stdFold") return plan;
    return { ...plan, foldedValues: Float64Array.from(neurons, (neuron) => neuron.mean) };
  });
  return {
    threshold,
    layers,
    emptiedLayers: layers.filter((layer) => layer.kept.length === 0).map((layer) => layer.layerIndex),
  };
}

function isPruned(neuron: NeuronStats, threshold: Exclude<PruningThreshold, { kind: "rank" }>): boolean {
  switch (threshold.kind) {
    case "meanStd":
      // |mean|: an activation that can be negative (tanh) is "near zero" on either side.
      return Math.abs(neuron.mean) <= threshold.mean && neuron.std <= threshold.std;
    case "stdFold":
      return neuron.std <= threshold.std;
    case "apoz":
      return neuron.apoz >= threshold.apoz;
  }
}

function topByScore(neurons: readonly NeuronStats[], keepFraction: number, score: RankScore): number[] {
  const keepCount = Math.max(1, Math.ceil(neurons.length * keepFraction - 1e-9));
  const scoreOf = (neuron: NeuronStats): number =>
    score === "std" ? neuron.std : score === "meanAbs" ? Math.abs(neuron.mean) : 1 - neuron.apoz;
  // Ties broken by index so plans are deterministic.
  const ranked = neurons.map((neuron, index) => ({ index, value: scoreOf(neuron) }));
  ranked.sort((a, b) => b.value - a.value || a.index - b.index);
  return ranked
    .slice(0, keepCount)
    .map((entry) => entry.index)
    .sort((a, b) => a - b);
}
