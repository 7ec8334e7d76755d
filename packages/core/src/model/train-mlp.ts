import * as tf from "@tensorflow/tfjs";
import type { DataSplit } from "../data/data-split.js";
import { sampleCount } from "../data/dataset.js";
import { DeadweightError } from "../errors.js";
import { seededPermutation } from "../random/seeded-random.js";
import { readAdamState, restoreAdamState } from "./adam-state.js";
import { denseForward } from "./dense-forward.js";
import { evaluateAccuracy } from "./evaluate-accuracy.js";
import { denseLayers, type MlpNetwork, readMlpWeights } from "./mlp-network.js";
import { borrowNetworkTensors } from "./network-tensors.js";
import type { TrainingCheckpoint } from "./training-checkpoint.js";

export interface TrainingOptions {
  readonly epochs: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  /** Seeds the per-epoch shuffle. */
  readonly seed?: number;
  /** Stops training at the next batch boundary with an error when aborted. */
  readonly signal?: AbortSignal;
  /**
   * Go on from a checkpoint taken under the same batch size, learning rate, seed and training set:
   * its weights and Adam state are loaded and training starts at its epoch + 1. The result is the
   * one an uninterrupted run gives, bit for bit (same kernels, same order of operations).
   */
  readonly resumeFrom?: TrainingCheckpoint;
  /**
   * Called after each epoch's summary, training paused until it settles. `takeCheckpoint` copies the
   * weights, Adam's state and the curve into plain memory (only when called: it costs a read of
   * every parameter).
   */
  readonly onEpochEnd?: (
    summary: EpochSummary,
    takeCheckpoint: () => Promise<TrainingCheckpoint>,
  ) => Promise<void> | void;
}

/** Reported after every progress interval and at each epoch end. */
export interface TrainingProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batchesPerEpoch: number;
  /** Mean loss and accuracy over the current epoch's batches so far. */
  readonly loss: number;
  readonly accuracy: number;
  readonly elapsedSeconds: number;
  readonly etaSeconds: number;
}

export interface EpochSummary {
  readonly epoch: number;
  readonly loss: number;
  readonly trainAccuracy: number;
  readonly validationAccuracy: number;
  readonly seconds: number;
}

export interface TrainingSummary {
  readonly epochs: EpochSummary[];
  readonly seconds: number;
  readonly secondsPerEpoch: number;
}

const PROGRESS_EVERY_BATCHES = 10;

/** Trains the network in place with Adam on softmax cross-entropy, shuffling every epoch with a seeded order. */
export async function trainMlp(
  network: MlpNetwork,
  split: DataSplit,
  options: TrainingOptions,
  onProgress?: (progress: TrainingProgress) => void,
): Promise<TrainingSummary> {
  const { epochs } = options;
  const batchSize = options.batchSize ?? 128;
  const learningRate = options.learningRate ?? 1e-3;
  if (!Number.isInteger(epochs) || epochs < 0) {
    throw new DeadweightError("INVALID_OPTION", `epochs must be a non-negative integer, got ${epochs}`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new DeadweightError("INVALID_OPTION", `batchSize must be a positive integer, got ${batchSize}`);
  }
  if (!(learningRate > 0 && Number.isFinite(learningRate))) {
    throw new DeadweightError("INVALID_OPTION", `learningRate must be a positive number, got ${learningRate}`);
  }
  const { train } = split;
  const trainCount = sampleCount(train);
  const width = train.featureCount;
  const classes = train.classCount;
  const batchesPerEpoch = Math.ceil(trainCount / batchSize);
  const resumed = options.resumeFrom;
  // Before the optimizer exists: a refused checkpoint leaves nothing to release.
  if (resumed !== undefined) assertResumable(resumed, network, { ...options, batchSize, learningRate }, trainCount);
  const layers = borrowNetworkTensors(network);
  const variables = network.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const optimizer = tf.train.adam(learningRate);
  // A batch never holds more than the training set (a batch size above it trains on the whole set).
  const batchCapacity = Math.min(batchSize, trainCount);
  const featureBuffer = new Float32Array(batchCapacity * width);
  const targetBuffer = new Float32Array(batchCapacity * classes);
  const labelBuffer = new Int32Array(batchCapacity);
  const started = performance.now();
  const firstEpoch = (resumed?.epoch ?? 0) + 1;
  const earlierSeconds = resumed?.elapsedSeconds ?? 0;
  const summaries: EpochSummary[] = resumed === undefined ? [] : resumed.curve.map((epoch) => ({ ...epoch }));

  try {
    if (resumed !== undefined) {
      denseLayers(network).forEach((layer, index) => {
        const source = resumed.weights.layers[index];
        if (source === undefined) return;
        const values = [tf.tensor2d(source.kernel, [source.inputSize, source.outputSize]), tf.tensor1d(source.bias)];
        layer.setWeights(values);
        tf.dispose(values);
      });
      await restoreAdamState(optimizer, resumed.optimizer, variables);
    }
    for (let epoch = firstEpoch; epoch <= epochs; epoch++) {
      const epochStarted = performance.now();
      const order = seededPermutation(trainCount, (options.seed ?? 0) * 1009 + epoch);
      let lossSum = 0;
      let correctSum = 0;
      let seen = 0;
      for (let batch = 0; batch < batchesPerEpoch; batch++) {
        if (options.signal?.aborted) {
          throw new DeadweightError("CANCELED", `training was canceled at epoch ${epoch}, batch ${batch + 1}`);
        }
        const from = batch * batchSize;
        const size = Math.min(batchSize, trainCount - from);
        targetBuffer.fill(0, 0, size * classes);
        for (let row = 0; row < size; row++) {
          const sample = order[from + row] as number;
          featureBuffer.set(train.features.subarray(sample * width, (sample + 1) * width), row * width);
          const label = train.labels[sample] as number;
          labelBuffer[row] = label;
          targetBuffer[row * classes + label] = 1;
        }
        const x = tf.tensor2d(featureBuffer.subarray(0, size * width), [size, width]);
        const y = tf.tensor2d(targetBuffer.subarray(0, size * classes), [size, classes]);
        let predictedTensor: tf.Tensor | null = null;
        const lossTensor = optimizer.minimize(
          () => {
            const logits = layers.reduce((h, layer) => denseForward(h, layer), x as tf.Tensor2D);
            predictedTensor = tf.keep(tf.argMax(logits, 1));
            return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
          },
          true,
          variables,
        );
        const loss = (lossTensor as tf.Scalar).dataSync()[0] as number;
        const predicted = (predictedTensor as unknown as tf.Tensor).dataSync();
        tf.dispose([x, y, lossTensor as tf.Scalar, predictedTensor as unknown as tf.Tensor]);
        if (!Number.isFinite(loss)) {
          throw new DeadweightError(
            "NON_FINITE_LOSS",
            `training loss became ${loss} at epoch ${epoch}, batch ${batch + 1}: lower the learning rate or check the dataset for extreme values`,
          );
        }
        for (let row = 0; row < size; row++) if (predicted[row] === labelBuffer[row]) correctSum++;
        lossSum += loss * size;
        seen += size;
        if (onProgress !== undefined && ((batch + 1) % PROGRESS_EVERY_BATCHES === 0 || batch + 1 === batchesPerEpoch)) {
          const elapsedSeconds = (performance.now() - started) / 1000;
          // This attempt's pace: epochs before a resumed checkpoint were timed elsewhere.
          const doneBatches = (epoch - firstEpoch) * batchesPerEpoch + batch + 1;
          const leftBatches = (epochs - epoch + 1) * batchesPerEpoch - batch - 1;
          const etaSeconds = (elapsedSeconds / doneBatches) * leftBatches;
          onProgress({
            epoch,
            epochs,
            batch: batch + 1,
            batchesPerEpoch,
            loss: lossSum / seen,
            accuracy: correctSum / seen,
            elapsedSeconds: earlierSeconds + elapsedSeconds,
            etaSeconds,
          });
          // Let the event loop breathe (progress rendering, cancellation signals).
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
      }
      const summary: EpochSummary = {
        epoch,
        loss: lossSum / seen,
        trainAccuracy: correctSum / seen,
        validationAccuracy: evaluateAccuracy(layers, split.validation),
        seconds: (performance.now() - epochStarted) / 1000,
      };
      summaries.push(summary);
      if (options.onEpochEnd !== undefined) {
        const curve = summaries.map((entry) => ({ ...entry }));
        const elapsedSeconds = earlierSeconds + (performance.now() - started) / 1000;
        await options.onEpochEnd(summary, async () => ({
          epoch,
          batchSize,
          learningRate,
          seed: options.seed ?? 0,
          trainSamples: trainCount,
          weights: readMlpWeights(network),
          optimizer: await readAdamState(optimizer, variables.length),
          curve,
          elapsedSeconds,
        }));
      }
    }
  } finally {
    optimizer.dispose();
  }
  const seconds = earlierSeconds + (performance.now() - started) / 1000;
  return { epochs: summaries, seconds, secondsPerEpoch: epochs > 0 ? seconds / epochs : 0 };
}

/** A checkpoint resumes only the training it was taken from: same settings, same data size, same shapes. */
function assertResumable(
  checkpoint: TrainingCheckpoint,
  network: MlpNetwork,
  options: TrainingOptions & { readonly batchSize: number; readonly learningRate: number },
  trainCount: number,
): void {
  const mismatches: string[] = [];
  const compare = (field: string, taken: number, now: number) => {
    if (taken !== now) mismatches.push(`${field} ${taken} (now ${now})`);
  };
  compare("batchSize", checkpoint.batchSize, options.batchSize);
  compare("learningRate", checkpoint.learningRate, options.learningRate);
  compare("seed", checkpoint.seed, options.seed ?? 0);
  compare("training samples", checkpoint.trainSamples, trainCount);
  const shapeOf = (layers: readonly { inputSize: number; outputSize: number }[]) =>
    [layers[0]?.inputSize, ...layers.map((layer) => layer.outputSize)].join("-");
  const networkShape = shapeOf(
    denseLayers(network).map((layer) => {
      const kernel = layer.getWeights()[0] as tf.Tensor;
      return { inputSize: kernel.shape[0] as number, outputSize: kernel.shape[1] as number };
    }),
  );
  const checkpointShape = shapeOf(checkpoint.weights.layers);
  if (networkShape !== checkpointShape) mismatches.push(`layers ${checkpointShape} (now ${networkShape})`);
  if (mismatches.length > 0) {
    throw new DeadweightError(
      "INVALID_CHECKPOINT",
      `the checkpoint of epoch ${checkpoint.epoch} was taken with ${mismatches.join(", ")}; it resumes only the same training`,
    );
  }
  if (!Number.isInteger(checkpoint.epoch) || checkpoint.epoch < 1 || checkpoint.epoch > options.epochs) {
    throw new DeadweightError(
      "INVALID_CHECKPOINT",
      `the checkpoint is of epoch ${checkpoint.epoch}; resuming needs an epoch from 1 to ${options.epochs}`,
    );
  }
}
