import { Worker, type WorkerOptions } from "node:worker_threads";
import type { BackendPreference } from "../backend/compute-backend.js";
import { type Dataset, sampleCount } from "../data/dataset.js";
import { DeadweightError } from "../errors.js";
import type { MlpWeights } from "../model/mlp-weights.js";
import { splitIntoRanges, splitSampleRanges, type WorkRange } from "../parallel/split-work.js";
import type { ActivationStats } from "../stats/activation-stats.js";
import type { LayerStatsPart } from "../stats/layer-activation-accumulator.js";
import {
  DEFAULT_STATISTICS_CHUNK_SIZE,
  type MeasureOptions,
  mergeActivationParts,
} from "../stats/measure-activations.js";
import {
  assembleThresholdSweep,
  type MeasuredThresholdRows,
  type SweepInput,
  type ThresholdSweep,
} from "../sweep/run-threshold-sweep.js";
import type {
  ComputeThreadData,
  FromComputeThread,
  ToComputeThread,
  TransferredComputeError,
} from "./compute-thread-protocol.js";

const COMPUTE_THREAD_ENTRY = new URL("./compute-thread-entry.mjs", import.meta.url);

export interface ComputeThreadsOptions {
  /** How many threads, each with its own TensorFlow.js backend (wasm uses one core per backend). */
  readonly threads: number;
  readonly backend: BackendPreference;
  /** Starts a thread; default `new Worker(entry, options)`. Tests watch the threads end. */
  readonly startThread?: (entry: URL, options: WorkerOptions) => Worker;
}

/**
 * A run's statistics pass and sweep spread over several threads: the samples of the statistics pass
 * in consecutive whole chunks (merged into exactly the single-thread statistics), the sweep's
 * thresholds in consecutive shares (the same rows as one thread gives, latency apart). The threads
 * stay up between calls (starting one costs about a second); `close` ends them all.
 */
export interface ComputeThreads {
  readonly threads: number;
  /** measureModelActivations over the threads: the same statistics, bit for bit, and the same errors. */
  measureActivations(weights: MlpWeights, dataset: Dataset, options?: MeasureOptions): Promise<ActivationStats>;
  /** runThresholdSweep over the threads: the same rows (each row's latency is measured where it ran). */
  runThresholdSweep(input: SweepInput): Promise<ThresholdSweep>;
  /** Terminates every thread and resolves once all have exited; calls still running reject. */
  close(): Promise<void>;
}

/** Starts `threads` compute threads and resolves when each has its backend; throws COMPUTE_THREAD_FAILED (leaving none behind) otherwise. */
export async function openComputeThreads(options: ComputeThreadsOptions): Promise<ComputeThreads> {
  if (!Number.isInteger(options.threads) || options.threads < 1) {
    throw new DeadweightError("INVALID_OPTION", `threads must be a positive integer, got ${options.threads}`);
  }
  const startThread = options.startThread ?? ((entry, threadOptions) => new Worker(entry, threadOptions));
  const started: ComputeThread[] = [];
  try {
    for (let index = 0; index < options.threads; index++) {
      started.push(new ComputeThread(index, startThread, { backend: options.backend }));
    }
    await Promise.all(started.map((thread) => thread.ready));
  } catch (error) {
    await Promise.all(started.map((thread) => thread.terminate()));
    throw error;
  }
  return computeThreadsOver(started);
}

/** Runs `work` with compute threads open and closes them however it ends. */
export async function withComputeThreads<T>(
  options: ComputeThreadsOptions,
  work: (threads: ComputeThreads) => Promise<T>,
): Promise<T> {
  const threads = await openComputeThreads(options);
  try {
    return await work(threads);
  } finally {
    await threads.close();
  }
}

function computeThreadsOver(threads: readonly ComputeThread[]): ComputeThreads {
  return {
    threads: threads.length,

    async measureActivations(weights, dataset, measureOptions = {}) {
      const total = sampleCount(dataset);
      if (total === 0) {
        throw new DeadweightError("INVALID_DATASET", `dataset "${dataset.name}" has no samples to measure`);
      }
      const chunkSize = measureOptions.chunkSize ?? DEFAULT_STATISTICS_CHUNK_SIZE;
      const ranges = splitSampleRanges(total, chunkSize, threads.length);
      const shared = { weights: sharedWeights(weights), dataset: sharedDataset(dataset) };
      const done = ranges.map(() => 0);
      const shares = await settleInOrder(
        ranges.map((range, index) =>
          (threads[index] as ComputeThread).request<LayerStatsPart[]>(
            (id) => ({
              type: "statistics",
              id,
              ...shared,
              range,
              chunkSize,
              ...(measureOptions.histogramBins === undefined ? {} : { histogramBins: measureOptions.histogramBins }),
            }),
            (samplesDone) => {
              done[index] = samplesDone;
              measureOptions.onProgress?.({ samplesDone: sum(done), samplesTotal: total });
            },
          ),
        ),
      );
      return mergeActivationParts(shares);
    },

    async runThresholdSweep(input) {
      const started = performance.now();
      const { thresholds } = input;
      // No thresholds still needs the base model measured: one share, empty.
      const ranges: WorkRange[] =
        thresholds.length === 0 ? [{ from: 0, to: 0 }] : splitIntoRanges(thresholds.length, threads.length);
      const shared = {
        weights: sharedWeights(input.weights),
        stats: input.stats,
        validation: sharedDataset(input.validation),
        test: sharedDataset(input.test),
      };
      const done = ranges.map(() => 0);
      const parts = await settleInOrder(
        ranges.map((range, index) =>
          (threads[index] as ComputeThread).request<MeasuredThresholdRows>(
            (id) => ({ type: "sweep", id, ...shared, thresholds: thresholds.slice(range.from, range.to) }),
            (rowsDone, rowId) => {
              done[index] = rowsDone;
              input.onProgress?.({ done: sum(done), total: thresholds.length, rowId: rowId ?? "" });
            },
          ),
        ),
      );
      const base = (parts[0] as MeasuredThresholdRows).base;
      return assembleThresholdSweep(
        base,
        parts.flatMap((part) => part.rows),
        (performance.now() - started) / 1000,
      );
    },

    async close() {
      await Promise.all(threads.map((thread) => thread.terminate()));
    },
  };
}

/** Waits for every share, then throws the first failed share's error in share order: the error a single pass meets first. */
async function settleInOrder<T>(shares: readonly Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(shares);
  const failed = settled.find((outcome) => outcome.status === "rejected");
  if (failed !== undefined) throw failed.reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<T>).value);
}

interface PendingRequest {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly onProgress: (done: number, rowId?: string) => void;
}

/** One compute thread and its requests in flight. */
class ComputeThread {
  readonly ready: Promise<void>;
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private readonly pending = new Map<number, PendingRequest>();
  private nextId = 1;
  private failure: DeadweightError | null = null;
  private terminating = false;

  constructor(
    private readonly index: number,
    startThread: (entry: URL, options: WorkerOptions) => Worker,
    data: ComputeThreadData,
  ) {
    this.worker = startThread(COMPUTE_THREAD_ENTRY, { workerData: data });
    this.exited = new Promise((resolve) => this.worker.once("exit", () => resolve()));
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.on("message", (message: FromComputeThread) => {
        if (message.type === "ready") resolve();
        else if (message.type === "start-failed") {
          reject(this.fail(`could not start its backend: ${message.error.message}`));
        } else this.answer(message);
      });
      this.worker.once("error", (error) => reject(this.fail(`crashed: ${error.message}`)));
      this.worker.once("exit", (code) => {
        if (!this.terminating) reject(this.fail(`ended (exit code ${code}) unexpectedly`));
      });
    });
    // A crash after start is reported to the calls in flight; nobody awaits `ready` then.
    this.ready.catch(() => {});
  }

  request<T>(build: (id: number) => ToComputeThread, onProgress: (done: number, rowId?: string) => void): Promise<T> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.terminating) {
      return Promise.reject(new DeadweightError("COMPUTE_THREAD_FAILED", "the compute threads are already closed"));
    }
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, onProgress });
      this.worker.postMessage(build(id));
    });
  }

  async terminate(): Promise<void> {
    this.terminating = true;
    for (const request of this.pending.values()) {
      request.reject(new DeadweightError("COMPUTE_THREAD_FAILED", "the compute threads were closed during a call"));
    }
    this.pending.clear();
    await this.worker.terminate();
    await this.exited;
  }

  private answer(message: Exclude<FromComputeThread, { type: "ready" | "start-failed" }>): void {
    const request = this.pending.get(message.id);
    if (request === undefined) return;
    if (message.type === "progress") {
      request.onProgress(message.done, message.rowId);
      return;
    }
    this.pending.delete(message.id);
    if (message.type === "failed") request.reject(rebuiltError(message.error));
    else if (message.type === "statistics-done") request.resolve(message.parts);
    else request.resolve(message.measured);
  }

  private fail(reason: string): DeadweightError {
    this.failure ??= new DeadweightError(
      "COMPUTE_THREAD_FAILED",
      `compute thread ${this.index + 1} ${reason}. Run with threads: 1 to compute in the run's own thread, or give the machine more memory.`,
    );
    for (const request of this.pending.values()) request.reject(this.failure);
    this.pending.clear();
    return this.failure;
  }
}

function rebuiltError(error: TransferredComputeError): Error {
  return error.code === undefined
    ? new DeadweightError("COMPUTE_THREAD_FAILED", `a compute thread failed: ${error.message}`)
    : new DeadweightError(error.code, error.message);
}

/** The weights in shared memory: every thread reads the one copy. */
function sharedWeights(weights: MlpWeights): MlpWeights {
  return {
    layers: weights.layers.map((layer) => ({
      ...layer,
      kernel: sharedCopy(layer.kernel, Float32Array),
      bias: sharedCopy(layer.bias, Float32Array),
    })),
  };
}

function sharedDataset(dataset: Dataset): Dataset {
  return {
    ...dataset,
    features: sharedCopy(dataset.features, Float32Array),
    labels: sharedCopy(dataset.labels, Int32Array),
  };
}

function sharedCopy<T extends Float32Array | Int32Array>(
  array: T,
  Kind: { new (buffer: SharedArrayBuffer): T; readonly BYTES_PER_ELEMENT: number },
): T {
  const copy = new Kind(new SharedArrayBuffer(array.length * Kind.BYTES_PER_ELEMENT));
  copy.set(array);
  return copy;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
