import * as tf from "@tensorflow/tfjs";
import { type DenseLayerTensors, denseForward } from "../model/dense-forward.js";

/**
 * Median milliseconds of one forward pass of a single sample (batch 1, the edge-device case), over
 * `repetitions` runs after a warm-up. The input is uploaded once, so only the network is timed.
 */
export function measureLatencyMsPerSample(
  layers: readonly DenseLayerTensors[],
  sample: Float32Array,
  repetitions = 25,
): number {
  const input = tf.tensor2d(sample, [1, sample.length]);
  const timings: number[] = [];
  try {
    for (let run = -3; run < repetitions; run++) {
      const started = performance.now();
      const output = tf.tidy(() => layers.reduce((x, layer) => denseForward(x, layer), input));
      output.dataSync();
      output.dispose();
      if (run >= 0) timings.push(performance.now() - started);
    }
  } finally {
    input.dispose();
  }
  timings.sort((a, b) => a - b);
  return timings[Math.floor(timings.length / 2)] as number;
}
