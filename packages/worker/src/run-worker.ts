import { availableParallelism, hostname } from "node:os";
import { createHttpWorkerApi } from "./api/http-worker-api.js";
import { normaliseServerUrl } from "./api/server-connection.js";
import type { WorkerApi } from "./api/worker-api.js";
import { claimLoop } from "./claim/claim-loop.js";
import { workerDatasets } from "./datasets/worker-datasets.js";
import { DEFAULT_CHECKPOINT_MINUTES } from "./pipeline/checkpoint-schedule.js";
import { inThisThread } from "./pipeline/pipeline-host.js";
import type { AttemptReport } from "./pipeline/run-attempt.js";
import { defaultMaxMemoryBytes, type RunSettings } from "./pipeline/run-settings.js";
import { pipelineProcesses } from "./run-host/pipeline-processes.js";
import { pipelineThreads } from "./run-host/pipeline-threads.js";
import { bundleRunPipeline, type RunPipelineBundle } from "./run-host/run-bundle.js";
import { DEFAULT_KEEP_WARM_MS } from "./run-host/warm-run-host.js";

export interface WorkerOptions {
  /**
   * The Deadweight server, e.g. ["http://127.0.0.1:4100"], or several replicas of one platform (one
   * shared store): calls go to the first until it stops answering, then to the next.
   */
  readonly serverUrls: readonly string[];
  /** A worker token of the team whose runs this worker runs. */
  readonly token: string;
  /** Shown in the runs it holds; default "<host>-<pid>". */
  readonly workerName?: string;
  /**
   * Runs worked on at once, each in a thread or process of its own (`runIn`) with its own
   * TensorFlow.js backend (one core each); default 1. About one per core, within what --max-memory allows per run.
   */
  readonly concurrency?: number;
  /**
   * The most threads one run's statistics pass and sweep may use (a run uses its experiment's
   * `threads`, at most this); default the machine's cores divided by concurrency, at least 1.
   */
  readonly threadsPerRun?: number;
  /**
   * The memory this worker's runs may take together, in bytes (each run gets its share by
   * concurrency); default 80% of the machine's (or the container's) memory. A run estimated above
   * its share fails once, permanently, before its network is allocated.
   */
  readonly maxMemoryBytes?: number;
  /**
   * Minutes between two training checkpoints of a run (stored at an epoch's end, so a killed run
   * resumes there): every epoch or every N minutes, whichever is rarer; 0 = every epoch. Default 5.
   */
  readonly checkpointMinutes?: number;
  /**
   * Folders whose files runs may name (csv:<file>, idx:<folder>), besides the repository's datasets/
   * and the bundled MNIST, which are always allowed; any other path is refused before it is opened.
   */
  readonly dataRoots?: readonly string[];
  /** Where datasets the platform stores are cached once downloaded; default ~/.cache/deadweight/datasets. */
  readonly datasetCacheDir?: string;
  /** Where this machine keeps Fashion-MNIST (`dataset: "fashion-mnist"`); default Debian's /usr/share/datasets/fashion-mnist. */
  readonly fashionMnistDirectory?: string;
  /** Lease asked for at each claim and renewed by heartbeats; default 30 s. */
  readonly leaseSeconds?: number;
  /** First wait after a failed claim; default 1 s (it grows up to maxPollSeconds while the server stays unreachable). */
  readonly pollSeconds?: number;
  /** Longest wait between failed claims; default 5 s. */
  readonly maxPollSeconds?: number;
  /** How long each claim waits on the server for a run to be queued (long poll, 0..30); default 20 s. */
  readonly claimWaitSeconds?: number;
  /** Abort to shut down: stop claiming, release the runs in progress, return. */
  readonly signal?: AbortSignal;
  /** How long a stopped run may take to unwind before it is reported without waiting; default 2 s. */
  readonly stopGraceMs?: number;
  readonly log?: (line: string) => void;
  /**
   * Where runs execute: "child-process" (default), each in a child process of its own, so that a
   * native fault (a segmentation fault in OpenBLAS or the wasm runtime) fails only its run and never
   * takes the worker down; "worker-thread", each in a worker thread of its own (~0.2 s quicker to
   * start fresh and ~0.75 s less CPU per fresh run, but a native fault in a run ends the whole
   * worker); "this-thread", all in this thread on one backend (tests with `api`). Threads and
   * processes reach the server with their own HTTP client.
   */
  readonly runIn?: RunIsolation | "this-thread";
  /**
   * How long a run's thread or process whose run completed waits, warm, for the next run (default
   * 10 s); 0: a fresh one for every run.
   */
  readonly keepWarmSeconds?: number;
  /** Replaces the HTTP client (tests; with runIn "this-thread", since a run's thread or process builds its own). */
  readonly api?: WorkerApi;
}

/** The longest a run's thread or process may wait for the next run (an hour; a timer's limit is ~24 days). */
export const MAX_KEEP_WARM_SECONDS = 3_600;

/** What each run of a worker executes in: a worker thread, or a child process. */
export type RunIsolation = "worker-thread" | "child-process";

export const DEFAULT_LEASE_SECONDS = 30;

/**
 * A worker: claims its team's queued runs from the server, runs each through the pipeline
 * (load -> train -> statistics -> sweep -> export) while heartbeats keep the lease, and reports
 * stages, results, artifacts and the outcome. Returns when `signal` aborts (after releasing the
 * runs in progress) with a report per attempt; throws a ServerCallError when the token is refused.
 */
export async function runWorker(options: WorkerOptions): Promise<AttemptReport[]> {
  const serverUrls = options.serverUrls.map(normaliseServerUrl);
  if (serverUrls.length === 0) throw new RangeError("serverUrls: give at least one server URL");
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a whole number of at least 1, got ${concurrency}`);
  }
  const maxMemoryBytes = options.maxMemoryBytes ?? defaultMaxMemoryBytes();
  if (!(Number.isFinite(maxMemoryBytes) && maxMemoryBytes > 0)) {
    throw new RangeError(`maxMemoryBytes must be a positive number of bytes, got ${maxMemoryBytes}`);
  }
  const threadsPerRun = options.threadsPerRun ?? defaultThreadsPerRun(concurrency);
  if (!Number.isInteger(threadsPerRun) || threadsPerRun < 1) {
    throw new RangeError(`threadsPerRun must be a whole number of at least 1, got ${threadsPerRun}`);
  }
  const checkpointMinutes = options.checkpointMinutes ?? DEFAULT_CHECKPOINT_MINUTES;
  if (!(Number.isFinite(checkpointMinutes) && checkpointMinutes >= 0)) {
    throw new RangeError(`checkpointMinutes must be 0 or more, got ${checkpointMinutes}`);
  }
  const datasets = workerDatasets({
    ...(options.dataRoots === undefined ? {} : { dataRoots: options.dataRoots }),
    ...(options.datasetCacheDir === undefined ? {} : { cacheDir: options.datasetCacheDir }),
    ...(options.fashionMnistDirectory === undefined ? {} : { fashionMnistDirectory: options.fashionMnistDirectory }),
  });
  const settings: RunSettings = {
    maxMemoryBytes: Math.floor(maxMemoryBytes / concurrency),
    threadsPerRun,
    checkpointMinutes,
    datasets,
  };
  const leaseSeconds = options.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  if (!(leaseSeconds >= 1)) throw new RangeError(`leaseSeconds must be at least 1, got ${leaseSeconds}`);
  const keepWarmSeconds = options.keepWarmSeconds ?? DEFAULT_KEEP_WARM_MS / 1000;
  if (!(Number.isFinite(keepWarmSeconds) && keepWarmSeconds >= 0 && keepWarmSeconds <= MAX_KEEP_WARM_SECONDS)) {
    throw new RangeError(`keepWarmSeconds must be from 0 to ${MAX_KEEP_WARM_SECONDS}, got ${keepWarmSeconds}`);
  }
  const log = options.log ?? ((line: string) => console.error(line));
  const workerName = options.workerName ?? `${hostname()}-${process.pid}`;
  const runIn = options.runIn ?? "child-process";
  if (options.api !== undefined && runIn !== "this-thread") {
    throw new RangeError(
      'api: a run\'s thread or process reaches the server with its own HTTP client; give api only with runIn "this-thread"',
    );
  }
  const connection = { serverUrls, token: options.token };
  const api = options.api ?? createHttpWorkerApi(connection, { log });
  let bundle: RunPipelineBundle | undefined;
  if (runIn !== "this-thread") {
    const started = performance.now();
    bundle = await bundleRunPipeline();
    log(
      `worker ${workerName}: bundled the pipeline for its runs (${bundle.sourceFiles} source files, ${Math.round(performance.now() - started)} ms)`,
    );
  }
  const host =
    bundle === undefined
      ? inThisThread
      : runIn === "child-process"
        ? pipelineProcesses({ connection, pipelineModule: bundle.module, keepWarmMs: keepWarmSeconds * 1000 })
        : pipelineThreads({ connection, pipelineModule: bundle.module, keepWarmMs: keepWarmSeconds * 1000 });
  const [first, ...others] = serverUrls;
  const failover = others.length === 0 ? "" : `; then ${others.join(", ")} if it stops answering`;
  log(
    `worker ${workerName}: polling ${first} for runs (concurrency ${concurrency}${whereRunsExecute(runIn, keepWarmSeconds)}, up to ${threadsPerRun} thread${threadsPerRun === 1 ? "" : "s"} per run, lease ${leaseSeconds} s, up to ${mebibytes(settings.maxMemoryBytes)} MiB per run${failover})`,
  );
  log(`worker ${workerName}: reads dataset paths only inside ${datasets.dataRoots.join(", ")}`);
  let reports: AttemptReport[];
  try {
    reports = await claimLoop({
      api,
      workerName,
      concurrency,
      leaseSeconds,
      pollSeconds: options.pollSeconds ?? 1,
      maxPollSeconds: options.maxPollSeconds ?? 5,
      ...(options.claimWaitSeconds === undefined ? {} : { claimWaitSeconds: options.claimWaitSeconds }),
      signal: options.signal ?? new AbortController().signal,
      settings,
      host,
      log,
      ...(options.stopGraceMs === undefined ? {} : { stopGraceMs: options.stopGraceMs }),
    });
  } finally {
    await host.close();
    await bundle?.dispose();
  }
  log(`worker ${workerName}: stopped after ${reports.length} attempt(s)`);
  return reports;
}

/** The polling line's words on where runs execute (", a thread per run, kept warm 10 s for the next"). */
function whereRunsExecute(runIn: RunIsolation | "this-thread", keepWarmSeconds: number): string {
  if (runIn === "this-thread") return "";
  const side = runIn === "child-process" ? "process" : "thread";
  return keepWarmSeconds > 0
    ? `, a ${side} per run, kept warm ${keepWarmSeconds} s for the next`
    : `, a ${side} per run`;
}

function mebibytes(bytes: number): number {
  return Math.floor(bytes / 2 ** 20);
}

/** Every core busy and none shared: the machine's cores divided among the concurrent runs. */
export function defaultThreadsPerRun(concurrency: number): number {
  return Math.max(1, Math.floor(availableParallelism() / concurrency));
}
