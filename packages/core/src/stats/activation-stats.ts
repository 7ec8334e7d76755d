/** Statistics of one hidden neuron's activation over the validation set. */
export interface NeuronStats {
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  /** Average Percentage of Zeros: the fraction of samples on which the activation is exactly 0. */
  readonly apoz: number;
}

/** Counts over equal-width bins [edges[i], edges[i+1]); edges.length === counts.length + 1. */
export interface Histogram {
  readonly edges: number[];
  readonly counts: number[];
}

export interface LayerActivationStats {
  /** Index of the hidden layer, 0-based (layer 0 is the first hidden layer). */
  readonly layerIndex: number;
  readonly neurons: NeuronStats[];
  /** One histogram per neuron, all with the layer's shared edges. */
  readonly histograms: Histogram[];
}

/** Per hidden neuron statistics of a trained network, and how many samples they came from. */
export interface ActivationStats {
  readonly sampleCount: number;
  readonly layers: LayerActivationStats[];
}
