import * as tf from "@tensorflow/tfjs";
import { type Dataset, sampleCount } from "../data/dataset.js";
import { sampleChunks } from "../data/sample-chunks.js";
import { DeadweightError } from "../errors.js";
import { type LayersModelFiles, loadLayersModelFiles } from "../export/layers-model-files.js";

/** How many samples a reloaded bundle classifies correctly. */
export interface BundleAccuracy {
  readonly correct: number;
  readonly samples: number;
  /** correct / samples. */
  readonly accuracy: number;
}

/** Samples per predict call, here and in the standalone verifier (the same batches give the same float sums). */
export const BUNDLE_EVALUATION_CHUNK_SIZE = 2048;

/**
 * Loads a layers-format model as a TF.js user would (tf.loadLayersModel's steps, quantised weights
 * expanded to float32) and counts the samples whose most probable class is their label, predicting
 * in chunks. This is the accuracy a bundle is stored with and that the standalone verifier must reproduce.
 */
export async function evaluateModelBundle(
  model: LayersModelFiles,
  dataset: Dataset,
  options: { readonly chunkSize?: number; readonly sourceName?: string } = {},
): Promise<BundleAccuracy> {
  const chunkSize = options.chunkSize ?? BUNDLE_EVALUATION_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new DeadweightError("INVALID_OPTION", `chunkSize must be a positive integer, got ${chunkSize}`);
  }
  const sourceName = options.sourceName ?? "bundle";
  const network = await loadLayersModelFiles(model, sourceName);
  try {
    const inputWidth = network.inputs[0]?.shape[1];
    if (inputWidth !== dataset.featureCount) {
      throw new DeadweightError(
        "MODEL_SHAPE_MISMATCH",
        `${sourceName}: the model takes ${inputWidth} features but dataset "${dataset.name}" has ${dataset.featureCount}`,
      );
    }
    let correct = 0;
    for (const chunk of sampleChunks(dataset, chunkSize)) {
      let classes: Int32Array;
      try {
        // The whole chunk as one batch through the layers (the verifier predicts the same batches, so the
        // sums are the same): predict() slices even a single batch out of its input, and the wasm Slice
        // kernel copies the whole source out of the heap every time (16% of a measurement; 75% when
        // predict still cut batches of 32).
        const predicted = tf.tidy(() => tf.argMax(network.apply(chunk.features) as tf.Tensor2D, 1));
        classes = predicted.dataSync() as Int32Array;
        predicted.dispose();
      } finally {
        chunk.features.dispose();
      }
      for (let i = 0; i < classes.length; i++) if (classes[i] === dataset.labels[chunk.from + i]) correct++;
      // Between chunks, let the caller's timers run (a worker's lease heartbeat must not wait for a whole test set).
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const samples = sampleCount(dataset);
    return { correct, samples, accuracy: correct / samples };
  } finally {
    network.dispose();
  }
}
