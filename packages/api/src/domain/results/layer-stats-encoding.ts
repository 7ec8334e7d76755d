import type { Histogram, LayerActivationStats, NeuronStats } from "@deadweight/core";
import { AppError } from "../../errors/app-error.js";

/** [mean, std, min, max, apoz] per neuron. */
const FIELDS_PER_NEURON = 5;
const FLOAT32_BYTES = 4;
const UINT32_BYTES = 4;

/** One layer in the columns of RunLayerStats. */
export interface EncodedLayerStats {
  readonly layerIndex: number;
  readonly neuronCount: number;
  readonly neurons: Uint8Array<ArrayBuffer>;
  readonly histogramEdges: string;
  readonly histograms: Uint8Array<ArrayBuffer>;
}

/**
 * Packs a layer's statistics: little-endian float32 [mean, std, min, max, apoz] per neuron (the
 * statistics are float64 in the core; float32 keeps ~7 significant digits, plenty for plots and
 * thresholds, at half the size), and uint32 histogram counts over the layer's shared edges.
 * `field` is the layer's input path, for error messages.
 */
export function encodeLayerStats(layer: LayerActivationStats, field: string): EncodedLayerStats {
  const neuronCount = layer.neurons.length;
  const neurons = new Uint8Array(neuronCount * FIELDS_PER_NEURON * FLOAT32_BYTES);
  const neuronView = new DataView(neurons.buffer);
  layer.neurons.forEach((neuron, i) => {
    [neuron.mean, neuron.std, neuron.min, neuron.max, neuron.apoz].forEach((value, j) => {
      if (!Number.isFinite(Math.fround(value))) {
        throw new AppError("BAD_REQUEST", `${field}.neurons[${i}]: ${value} does not fit in a float32`, field);
      }
      neuronView.setFloat32((i * FIELDS_PER_NEURON + j) * FLOAT32_BYTES, value, true);
    });
  });

  if (layer.histograms.length === 0) {
    return { layerIndex: layer.layerIndex, neuronCount, neurons, histogramEdges: "[]", histograms: new Uint8Array(0) };
  }
  if (layer.histograms.length !== neuronCount) {
    throw new AppError(
      "BAD_REQUEST",
      `${field}.histograms: expected one histogram per neuron (${neuronCount}), got ${layer.histograms.length}`,
      `${field}.histograms`,
    );
  }
  const edges = (layer.histograms[0] as Histogram).edges;
  const binCount = edges.length - 1;
  if (binCount < 1) {
    throw new AppError("BAD_REQUEST", `${field}.histograms[0].edges: needs at least 2 edges`, `${field}.histograms`);
  }
  const histograms = new Uint8Array(neuronCount * binCount * UINT32_BYTES);
  const histogramView = new DataView(histograms.buffer);
  layer.histograms.forEach((histogram, i) => {
    const at = `${field}.histograms[${i}]`;
    // One edges array per layer is what makes the storage compact; the core always shares them.
    if (histogram.edges.length !== edges.length || histogram.edges.some((edge, k) => edge !== edges[k])) {
      throw new AppError("BAD_REQUEST", `${at}.edges: every histogram of a layer must share the same edges`, at);
    }
    if (histogram.counts.length !== binCount) {
      throw new AppError(
        "BAD_REQUEST",
        `${at}.counts: expected ${binCount} counts (one per bin), got ${histogram.counts.length}`,
        at,
      );
    }
    histogram.counts.forEach((value, k) => {
      histogramView.setUint32((i * binCount + k) * UINT32_BYTES, value, true);
    });
  });
  return { layerIndex: layer.layerIndex, neuronCount, neurons, histogramEdges: JSON.stringify(edges), histograms };
}

/** Unpacks what encodeLayerStats stored; neuron statistics come back at float32 precision. */
export function decodeLayerStats(stored: {
  readonly layerIndex: number;
  readonly neuronCount: number;
  readonly neurons: Uint8Array;
  readonly histogramEdges: string;
  readonly histograms: Uint8Array;
}): LayerActivationStats {
  const neuronView = new DataView(stored.neurons.buffer, stored.neurons.byteOffset, stored.neurons.byteLength);
  const read = (i: number, j: number) => neuronView.getFloat32((i * FIELDS_PER_NEURON + j) * FLOAT32_BYTES, true);
  const neurons: NeuronStats[] = [];
  for (let i = 0; i < stored.neuronCount; i++) {
    neurons.push({ mean: read(i, 0), std: read(i, 1), min: read(i, 2), max: read(i, 3), apoz: read(i, 4) });
  }
  const edges = JSON.parse(stored.histogramEdges) as number[];
  const histograms: Histogram[] = [];
  if (edges.length > 1) {
    const binCount = edges.length - 1;
    const view = new DataView(stored.histograms.buffer, stored.histograms.byteOffset, stored.histograms.byteLength);
    for (let i = 0; i < stored.neuronCount; i++) {
      const counts: number[] = [];
      for (let k = 0; k < binCount; k++) counts.push(view.getUint32((i * binCount + k) * UINT32_BYTES, true));
      histograms.push({ edges: [...edges], counts });
    }
  }
  return { layerIndex: stored.layerIndex, neurons, histograms };
}
