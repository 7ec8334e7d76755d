import { totalmem } from "node:os";
import type { WorkerDatasets } from "../datasets/worker-datasets.js";

/**
 * What the worker's operator decided for every run it executes (flags of `deadweight worker`),
 * handed to each stage in its context.
 */
export interface RunSettings {
  /**
   * The memory one run may take, in bytes: the worker's --max-memory divided among its concurrent
   * runs. A run whose estimate is above it fails permanently before its network is allocated.
   */
  readonly maxMemoryBytes: number;
  /**
   * Training stores a checkpoint at the end of an epoch once this many minutes have passed since the
   * last one (0: every epoch); default DEFAULT_CHECKPOINT_MINUTES. See checkpoint-schedule.ts.
   */
  readonly checkpointMinutes?: number;
  /**
   * The most threads one run's statistics pass and sweep may use (the worker's --threads): a run
   * uses its experiment's `threads`, at most this many. Default 1.
   */
  readonly threadsPerRun?: number;
  /** Where runs may take their data from (data roots, the download cache); default: workerDatasets({}). */
  readonly datasets?: WorkerDatasets;
}

/** The share of the machine's memory a worker takes by default: the rest is the system's and other processes'. */
const DEFAULT_MEMORY_SHARE = 0.8;

/**
 * The default --max-memory: 80% of what this process may use, the machine's memory or the
 * container's limit (cgroup) when one is set and lower.
 */
export function defaultMaxMemoryBytes(): number {
  const machine = totalmem();
  const constrained = process.constrainedMemory?.() ?? 0;
  const available = constrained > 0 && constrained < machine ? constrained : machine;
  return Math.floor(available * DEFAULT_MEMORY_SHARE);
}
