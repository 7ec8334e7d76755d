import type { DataSplit } from "../data/data-split.js";
import { DeadweightError } from "../errors.js";

/** What decides how much memory a run needs: the network's shape, the batch, and the data already loaded. */
export interface RunMemoryShape {
  readonly inputWidth: number;
  readonly classCount: number;
  readonly hiddenSizes: readonly number[];
  readonly batchSize: number;
  /** Training samples (a batch never holds more). */
  readonly trainSamples: number;
  /** Validation + test samples (evaluated in chunks of EVALUATION_CHUNK_SAMPLES). */
  readonly evaluationSamples: number;
  /** Bytes the loaded dataset holds (every part, raw and scaled). */
  readonly datasetBytes: number;
  /**
   * Compute threads the run starts beside its own for the statistics pass and the sweep (plain wasm
   * with `threads` > 1: `usesComputeThreads`); 0 or absent when it computes in its own thread.
   */
  readonly computeThreads?: number;
}

export interface RunMemoryPart {
  /** "dataset", "weights", "optimizer", "training batch", "evaluation chunk", "sweep cache", "runtime", "compute threads". */
  readonly name: string;
  readonly bytes: number;
}

export interface RunMemoryEstimate {
  readonly totalBytes: number;
  readonly parameters: number;
  /** Largest first. */
  readonly parts: readonly RunMemoryPart[];
}

const FLOAT32_BYTES = 4;
/**
 * Node, TensorFlow.js and its backend before the first tensor: 196 MiB measured on this project's
 * machine with the wasm backend (process RSS after initialiseBackend), rounded up for the worker's
 * HTTP client, its buffers and the garbage V8 has not collected yet.
 */
export const RUNTIME_BYTES = 300 * 2 ** 20;
/**
 * Peak RSS over the sum of the tensors' bytes: the backend's heap keeps the memory of freed tensors
 * and a run allocates and frees many (each threshold's network, each batch). Calibrated on
 * `deadweight prune --epochs 1` on MNIST: peak RSS 588 MiB for 784-512-256-128-10 and 1006 MiB for
 * 784-2048-2048-10 (see the README's Limits section for the estimate against them).
 */
const TENSOR_HEADROOM = 1.5;
/**
 * One compute thread's own runtime before its first tensor: a V8 isolate with TensorFlow.js and its
 * wasm backend loaded. Measured on this project's machine as the process's RSS growth per started
 * thread: 78, 74 and 65 MiB with 1, 2 and 4 threads; rounded up for garbage not yet collected.
 */
export const COMPUTE_THREAD_RUNTIME_BYTES = 96 * 2 ** 20;
/**
 * What a compute thread holds besides its runtime: a copy of the network (its variables and the
 * host copy it was sent), one evaluation chunk's activations, and in the sweep its own first-layer
 * cache of every evaluated sample (it measures its share of the thresholds on all of them).
 */
const COMPUTE_THREAD_WEIGHT_COPIES = 2;
/** Samples evaluated at once (evaluateAccuracy, the statistics pass). */
export const EVALUATION_CHUNK_SAMPLES = 2048;
/**
 * Copies of the weights alive at once: the network's variables, their host copy (MlpWeights) and
 * the one pruned network the sweep or the deploy stage holds at a time.
 */
const WEIGHT_COPIES = 3;
/** Adam's two moments and the gradient, each the size of the weights. */
const OPTIMIZER_COPIES = 3;
/** Per unit of a training batch: the layer's output, its pre-activation and its gradient. */
const TRAINING_VALUES_PER_UNIT = 3;
/** Per unit of an evaluation chunk: the layer's output and its pre-activation. */
const EVALUATION_VALUES_PER_UNIT = 2;

/**
 * The memory a run will need at its peak, estimated from shapes alone before anything is allocated,
 * so a worker can refuse a run that cannot fit instead of stalling while it allocates (a
 * billion-unit layer) and losing its lease. An upper-side estimate: every float32 buffer the
 * pipeline keeps at once, plus the runtime.
 */
export function estimateRunMemory(shape: RunMemoryShape): RunMemoryEstimate {
  for (const [name, value] of Object.entries({
    inputWidth: shape.inputWidth,
    classCount: shape.classCount,
    batchSize: shape.batchSize,
    trainSamples: shape.trainSamples,
    evaluationSamples: shape.evaluationSamples,
    datasetBytes: shape.datasetBytes,
    computeThreads: shape.computeThreads ?? 0,
  })) {
    if (!(Number.isFinite(value) && value >= 0)) {
      throw new DeadweightError("INVALID_OPTION", `estimateRunMemory: ${name} must be a number >= 0, got ${value}`);
    }
  }
  if (!Number.isInteger(shape.computeThreads ?? 0)) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `estimateRunMemory: computeThreads must be a whole number, got ${shape.computeThreads}`,
    );
  }
  const widths = [shape.inputWidth, ...shape.hiddenSizes, shape.classCount];
  let parameters = 0;
  for (let i = 1; i < widths.length; i++) {
    parameters += (widths[i - 1] as number) * (widths[i] as number) + (widths[i] as number);
  }
  const units = widths.reduce((sum, width) => sum + width, 0);
  const firstHidden = shape.hiddenSizes[0] ?? 0;
  const batch = Math.min(shape.batchSize, Math.max(shape.trainSamples, 1));
  const chunk = Math.min(EVALUATION_CHUNK_SAMPLES, Math.max(shape.evaluationSamples, shape.trainSamples, 1));
  const tensors = (bytes: number) => Math.ceil(bytes * TENSOR_HEADROOM);
  const parts: RunMemoryPart[] = [
    { name: "dataset", bytes: shape.datasetBytes },
    { name: "weights", bytes: tensors(parameters * FLOAT32_BYTES * WEIGHT_COPIES) },
    { name: "optimizer", bytes: tensors(parameters * FLOAT32_BYTES * OPTIMIZER_COPIES) },
    { name: "training batch", bytes: tensors(batch * units * FLOAT32_BYTES * TRAINING_VALUES_PER_UNIT) },
    { name: "evaluation chunk", bytes: tensors(chunk * units * FLOAT32_BYTES * EVALUATION_VALUES_PER_UNIT) },
    // The sweep keeps the first hidden layer's activations of every evaluated sample (first-layer-cache.ts).
    { name: "sweep cache", bytes: tensors(shape.evaluationSamples * firstHidden * FLOAT32_BYTES) },
    { name: "runtime", bytes: RUNTIME_BYTES },
  ];
  const computeThreads = shape.computeThreads ?? 0;
  if (computeThreads > 0) {
    const perThread =
      COMPUTE_THREAD_RUNTIME_BYTES +
      tensors(parameters * FLOAT32_BYTES * COMPUTE_THREAD_WEIGHT_COPIES) +
      tensors(chunk * units * FLOAT32_BYTES * EVALUATION_VALUES_PER_UNIT) +
      tensors(shape.evaluationSamples * firstHidden * FLOAT32_BYTES);
    parts.push({ name: "compute threads", bytes: computeThreads * perThread });
  }
  parts.sort((a, b) => b.bytes - a.bytes);
  return { totalBytes: parts.reduce((sum, part) => sum + part.bytes, 0), parameters, parts };
}

/**
 * Throws RUN_TOO_LARGE when the estimate is above `maxBytes`, saying the estimate, its largest
 * parts, the limit, and what to change.
 */
export function assertRunFitsMemory(estimate: RunMemoryEstimate, maxBytes: number, limitName: string): void {
  if (estimate.totalBytes <= maxBytes) return;
  const computeThreads = estimate.parts.find((part) => part.name === "compute threads");
  const threadsHelp =
    computeThreads === undefined ? "" : ` or fewer threads (compute threads ${formatMebibytes(computeThreads.bytes)})`;
  const largest = estimate.parts
    .slice(0, 3)
    .map((part) => `${part.name} ${formatMebibytes(part.bytes)}`)
    .join(", ");
  throw new DeadweightError(
    "RUN_TOO_LARGE",
    `this run needs about ${formatMebibytes(estimate.totalBytes)} (${largest}; ${estimate.parameters.toLocaleString("en-US")} parameters) but ${limitName} is ${formatMebibytes(maxBytes)}: use smaller hidden layers or batches${threadsHelp}, or run it on a worker with more memory`,
  );
}

function formatMebibytes(bytes: number): string {
  const mebibytes = bytes / 2 ** 20;
  return mebibytes >= 10_240 ? `${(mebibytes / 1024).toFixed(1)} GiB` : `${Math.ceil(mebibytes)} MiB`;
}

/**
 * The bytes a loaded split holds: every distinct buffer behind its parts (parts are views of the
 * loaded files, and a scaled split keeps the raw parts too), each counted once.
 */
export function splitMemoryBytes(split: DataSplit): number {
  const parts = [split.train, split.validation, split.test];
  if (split.inputScaling !== undefined) parts.push(...Object.values(split.inputScaling.raw));
  const buffers = new Set<ArrayBufferLike>();
  for (const part of parts) {
    buffers.add(part.features.buffer);
    buffers.add(part.labels.buffer);
  }
  let bytes = 0;
  for (const buffer of buffers) bytes += buffer.byteLength;
  return bytes;
}
