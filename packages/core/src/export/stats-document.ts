import type { ActivationStats } from "../stats/activation-stats.js";

/** stats.json: per hidden layer (1-based), per neuron, the validation statistics and histogram counts. */
export interface ActivationStatsDocument {
  readonly measuredOn: "validation";
  readonly sampleCount: number;
  readonly layers: {
    readonly layer: number;
    readonly size: number;
    readonly histogramEdges: number[];
    readonly neurons: {
      readonly index: number;
      readonly mean: number;
      readonly std: number;
      readonly min: number;
      readonly max: number;
      readonly apoz: number;
      readonly histogram: number[];
    }[];
  }[];
}

/** The stats.json document of a run, the same whether the CLI writes it to disk or a worker uploads it. */
export function activationStatsDocument(stats: ActivationStats): ActivationStatsDocument {
  return {
    measuredOn: "validation",
    sampleCount: stats.sampleCount,
    layers: stats.layers.map((layer) => ({
      layer: layer.layerIndex + 1,
      size: layer.neurons.length,
      histogramEdges: layer.histograms[0]?.edges ?? [],
      neurons: layer.neurons.map((neuron, index) => ({
        index,
        ...neuron,
        histogram: layer.histograms[index]?.counts ?? [],
      })),
    })),
  };
}
