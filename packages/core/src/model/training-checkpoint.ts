import { DeadweightError } from "../errors.js";
import type { DenseLayerWeights, MlpWeights } from "./mlp-weights.js";

/** Adam's state between two steps, in plain memory: enough to take the next step exactly as if never stopped. */
export interface AdamState {
  /** Steps taken so far. */
  readonly iterations: number;
  /** beta1^(iterations+1) and beta2^(iterations+1) as the optimizer accumulated them, product by product. */
  readonly beta1Power: number;
  readonly beta2Power: number;
  /** One first/second moment per trainable variable, in the order kernel, bias of each layer. */
  readonly firstMoments: readonly Float32Array[];
  readonly secondMoments: readonly Float32Array[];
}

/** One finished epoch of the training curve, as a checkpoint carries it (the same fields as EpochSummary). */
export interface CheckpointEpoch {
  readonly epoch: number;
  readonly loss: number;
  readonly trainAccuracy: number;
  readonly validationAccuracy: number;
  readonly seconds: number;
}

/**
 * Everything training needs to go on after epoch `epoch` as if it had never stopped: the weights,
 * Adam's state and the curve so far. The shuffle needs nothing: each epoch's order is a function of
 * (seed, epoch) alone. The settings it was taken under are kept so a resume under others is refused.
 */
export interface TrainingCheckpoint {
  /** Epochs finished; training goes on at epoch + 1. */
  readonly epoch: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly trainSamples: number;
  readonly weights: MlpWeights;
  readonly optimizer: AdamState;
  readonly curve: readonly CheckpointEpoch[];
  /** Training time spent before the checkpoint, summed over every attempt. */
  readonly elapsedSeconds: number;
}

const MAGIC = "DWCKPT1\n";
const MAGIC_BYTES = new TextEncoder().encode(MAGIC);

interface CheckpointHeader {
  readonly epoch: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly trainSamples: number;
  readonly elapsedSeconds: number;
  readonly curve: readonly CheckpointEpoch[];
  readonly layers: readonly Omit<DenseLayerWeights, "kernel" | "bias">[];
  readonly optimizer: { readonly iterations: number; readonly beta1Power: number; readonly beta2Power: number };
}

/**
 * The checkpoint as bytes: "DWCKPT1\n", a little-endian uint32 header length, the JSON header, zero
 * padding to a multiple of 4, then float32 arrays: every layer's kernel and bias, then the first
 * moments, then the second moments (the same order). Floats are stored bit for bit.
 */
export function encodeTrainingCheckpoint(checkpoint: TrainingCheckpoint): Uint8Array {
  const { weights, optimizer } = checkpoint;
  const variableCount = weights.layers.length * 2;
  if (optimizer.firstMoments.length !== variableCount || optimizer.secondMoments.length !== variableCount) {
    throw new DeadweightError(
      "INVALID_CHECKPOINT",
      `optimizer: expected ${variableCount} first and second moments (kernel and bias of ${weights.layers.length} layers), found ${optimizer.firstMoments.length} and ${optimizer.secondMoments.length}`,
    );
  }
  const header: CheckpointHeader = {
    epoch: checkpoint.epoch,
    batchSize: checkpoint.batchSize,
    learningRate: checkpoint.learningRate,
    seed: checkpoint.seed,
    trainSamples: checkpoint.trainSamples,
    elapsedSeconds: checkpoint.elapsedSeconds,
    curve: checkpoint.curve,
    layers: weights.layers.map(({ inputSize, outputSize, activation }) => ({ inputSize, outputSize, activation })),
    optimizer: { iterations: optimizer.iterations, beta1Power: optimizer.beta1Power, beta2Power: optimizer.beta2Power },
  };
  const arrays = [
    ...weights.layers.flatMap((layer) => [layer.kernel, layer.bias]),
    ...optimizer.firstMoments,
    ...optimizer.secondMoments,
  ];
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const dataOffset = align4(MAGIC_BYTES.length + 4 + headerBytes.length);
  const floatCount = arrays.reduce((sum, array) => sum + array.length, 0);
  const bytes = new Uint8Array(dataOffset + floatCount * 4);
  bytes.set(MAGIC_BYTES, 0);
  new DataView(bytes.buffer).setUint32(MAGIC_BYTES.length, headerBytes.length, true);
  bytes.set(headerBytes, MAGIC_BYTES.length + 4);
  const floats = new Float32Array(bytes.buffer, dataOffset, floatCount);
  let at = 0;
  for (const array of arrays) {
    floats.set(array, at);
    at += array.length;
  }
  return bytes;
}

/** Reads bytes written by encodeTrainingCheckpoint; INVALID_CHECKPOINT, naming `source` and what is wrong, otherwise. */
export function decodeTrainingCheckpoint(bytes: Uint8Array, source: string): TrainingCheckpoint {
  const fail = (what: string) => new DeadweightError("INVALID_CHECKPOINT", `checkpoint ${source}: ${what}`);
  const magic = new TextDecoder().decode(bytes.subarray(0, MAGIC_BYTES.length));
  if (magic !== MAGIC) throw fail(`expected it to start with ${JSON.stringify(MAGIC)}, found ${JSON.stringify(magic)}`);
  if (bytes.length < MAGIC_BYTES.length + 4) throw fail("it ends inside its header");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(MAGIC_BYTES.length, true);
  const headerEnd = MAGIC_BYTES.length + 4 + headerLength;
  if (headerEnd > bytes.length) throw fail(`its header claims ${headerLength} bytes, only ${bytes.length} are there`);
  let header: CheckpointHeader;
  try {
    header = JSON.parse(
      new TextDecoder().decode(bytes.subarray(MAGIC_BYTES.length + 4, headerEnd)),
    ) as CheckpointHeader;
  } catch (error) {
    throw fail(`its header is not JSON (${(error as Error).message})`);
  }
  for (const field of ["epoch", "batchSize", "learningRate", "seed", "trainSamples", "elapsedSeconds"] as const) {
    if (typeof header[field] !== "number") throw fail(`header field ${field} must be a number`);
  }
  if (!Array.isArray(header.layers) || header.layers.length < 2 || !Array.isArray(header.curve)) {
    throw fail("header fields layers (at least 2) and curve must be arrays");
  }
  const dataOffset = align4(headerEnd);
  const sizes = header.layers.flatMap((layer) => [layer.inputSize * layer.outputSize, layer.outputSize]);
  const floatCount = 3 * sizes.reduce((sum, size) => sum + size, 0);
  if (bytes.length !== dataOffset + floatCount * 4) {
    throw fail(
      `expected ${dataOffset + floatCount * 4} bytes for layers ${describeLayers(header)} with Adam moments, found ${bytes.length}`,
    );
  }
  // Copied out, so the checkpoint owns aligned arrays whatever buffer the bytes came in.
  const floats = new Float32Array(bytes.slice(dataOffset).buffer);
  let at = 0;
  const take = (length: number) => {
    const array = floats.slice(at, at + length);
    at += length;
    return array;
  };
  const layers = header.layers.map(
    (layer): DenseLayerWeights => ({
      inputSize: layer.inputSize,
      outputSize: layer.outputSize,
      activation: layer.activation,
      kernel: take(layer.inputSize * layer.outputSize),
      bias: take(layer.outputSize),
    }),
  );
  const firstMoments = sizes.map(take);
  const secondMoments = sizes.map(take);
  return {
    epoch: header.epoch,
    batchSize: header.batchSize,
    learningRate: header.learningRate,
    seed: header.seed,
    trainSamples: header.trainSamples,
    elapsedSeconds: header.elapsedSeconds,
    curve: header.curve,
    weights: { layers },
    optimizer: { ...header.optimizer, firstMoments, secondMoments },
  };
}

function describeLayers(header: CheckpointHeader): string {
  return [header.layers[0]?.inputSize, ...header.layers.map((layer) => layer.outputSize)].join("-");
}

function align4(offset: number): number {
  return Math.ceil(offset / 4) * 4;
}
