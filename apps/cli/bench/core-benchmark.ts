/**
 * Benchmark of the pruning core on MNIST with the 784-512-256-128-10 MLP at batch 128.
 * Prints one JSON object: training seconds per epoch, statistics samples per second, sweep seconds
 * (30 thresholds, validation + test), the cost of the same sweep done naively, peak RSS, backend,
 * and each target with whether it was met. Usage: pnpm bench [-- --epochs N --backend wasm --peer off]
 *
 * The peer: when a python3 with torch is on this machine (Debian's python3-torch; DEADWEIGHT_PYTHON
 * names another interpreter), the same split, network, batch size and optimizer are timed in PyTorch
 * on CPU right after (bench/pytorch-peer.py, 2 threads), and each figure is also given as a ratio.
 * Ratios, not absolute figures, are what compare across runs on a noisy machine.
 *
 * Statistics and sweep are measured twice in the same run: in this thread, and on `--threads` compute
 * threads (default 2, the experiment setting `threads`), with the speedup of one over the other.
 * Training runs in one thread either way. The machine's load average is printed with the figures:
 * on a shared machine it says how far to trust them.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  borrowNetworkTensors,
  createMlpNetwork,
  DEFAULT_THRESHOLD_GRID,
  evaluateAccuracy,
  expandThresholdGrid,
  initialiseBackend,
  type MlpSpec,
  measureActivations,
  openComputeThreads,
  readMlpWeights,
  runThresholdSweep,
  splitDataset,
  trainMlp,
} from "@deadweight/core";
import { loadBundledMnist } from "@deadweight/dataset-files";

const { values } = parseArgs({
  // `pnpm run bench:... -- --flag` passes its "--" through to the script.
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    epochs: { type: "string", default: "2" },
    backend: { type: "string", default: "auto" },
    repeats: { type: "string", default: "3" },
    peer: { type: "string", default: "auto" },
    threads: { type: "string", default: "2" },
  },
});
const threads = Number(values.threads);
const epochs = Number(values.epochs);
const repeats = Number(values.repeats);

const backend = await initialiseBackend(values.backend as "auto");
const { train, test } = loadBundledMnist();
const split = splitDataset(train, test);
const spec: MlpSpec = { inputSize: 784, hiddenSizes: [512, 256, 128], activation: "relu", classCount: 10 };
const network = createMlpNetwork(spec, 42);

const training = await trainMlp(network, split, { epochs, batchSize: 128, seed: 42 });
const layers = borrowNetworkTensors(network);

const statisticsSeconds: number[] = [];
let stats = await measureActivations(layers, split.validation);
const singleCpu = cpuMeter();
for (let run = 0; run < repeats; run++) {
  const started = performance.now();
  stats = await measureActivations(layers, split.validation);
  statisticsSeconds.push((performance.now() - started) / 1000);
}

// What a sweep would cost without sharing work: one full evaluation of validation + test per threshold.
const fullEvaluationSeconds: number[] = [];
for (let run = 0; run < repeats; run++) {
  const started = performance.now();
  evaluateAccuracy(layers, split.validation);
  evaluateAccuracy(layers, split.test);
  fullEvaluationSeconds.push((performance.now() - started) / 1000);
}

const singleCoresUsed = singleCpu();
const weights = readMlpWeights(network);
network.dispose();
const thresholds = expandThresholdGrid(DEFAULT_THRESHOLD_GRID);
const sweepSeconds: number[] = [];
let rows = 0;
for (let run = 0; run < repeats; run++) {
  const sweep = await runThresholdSweep({ weights, stats, validation: split.validation, test: split.test, thresholds });
  sweepSeconds.push(sweep.seconds);
  rows = sweep.rows.length;
}

// The same statistics pass and sweep on `threads` compute threads (started once, as a run does).
const threadedStatisticsSeconds: number[] = [];
const threadedSweepSeconds: number[] = [];
let threadedStatsEqual = true;
let threadedCoresUsed = 0;
const threadsStarted = performance.now();
const computeThreads = await openComputeThreads({ threads, backend: backend.name });
const threadStartSeconds = (performance.now() - threadsStarted) / 1000;
try {
  await computeThreads.measureActivations(weights, split.validation);
  const threadedCpu = cpuMeter();
  for (let run = 0; run < repeats; run++) {
    const started = performance.now();
    const threaded = await computeThreads.measureActivations(weights, split.validation);
    threadedStatisticsSeconds.push((performance.now() - started) / 1000);
    threadedStatsEqual &&= JSON.stringify(threaded) === JSON.stringify(stats);
  }
  for (let run = 0; run < repeats; run++) {
    const sweep = await computeThreads.runThresholdSweep({
      weights,
      stats,
      validation: split.validation,
      test: split.test,
      thresholds,
    });
    threadedSweepSeconds.push(sweep.seconds);
  }
  threadedCoresUsed = threadedCpu();
} finally {
  await computeThreads.close();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const secondsPerEpoch = median(training.epochs.map((epoch) => epoch.seconds));
const statisticsSamplesPerSecond = split.validation.labels.length / median(statisticsSeconds);
const sweep30 = median(sweepSeconds);
const naiveSweep30 = thresholds.length * median(fullEvaluationSeconds);
const peakRssMb = process.resourceUsage().maxRSS / 1024;
const threadedStatisticsSamplesPerSecond = split.validation.labels.length / median(threadedStatisticsSeconds);
const threadedSweep30 = median(threadedSweepSeconds);

const peer = values.peer === "off" ? null : timePyTorchPeer();

const report = {
  benchmark: "core-mnist-784-512-256-128-10",
  backend: backend.description,
  machine: {
    cpus: (await import("node:os")).cpus().length,
    node: process.version,
    // Other work on the machine while this ran (1, 5, 15 minutes): figures above ~cpus are shared.
    loadAverageAtEnd: (await import("node:os")).loadavg().map(round),
  },
  trainingSamples: split.train.labels.length,
  validationSamples: split.validation.labels.length,
  testSamples: split.test.labels.length,
  epochs,
  trainingSecondsPerEpoch: round(secondsPerEpoch),
  trainingEpochSeconds: training.epochs.map((epoch) => round(epoch.seconds)),
  finalValidationAccuracy: training.epochs.at(-1)?.validationAccuracy ?? null,
  statisticsSamplesPerSecond: Math.round(statisticsSamplesPerSecond),
  sweepThresholds: rows,
  sweepSeconds: round(sweep30),
  sweepSecondsPerThreshold: round(sweep30 / rows),
  naiveSweepSeconds: round(naiveSweep30),
  sweepSpeedupOverNaive: round(naiveSweep30 / sweep30),
  peakRssMb: Math.round(peakRssMb),
  // Training: one thread. Statistics and sweep above: this thread; below: on `threads` compute threads.
  threads: 1,
  threaded: {
    threads,
    threadStartSeconds: round(threadStartSeconds),
    statisticsSamplesPerSecond: Math.round(threadedStatisticsSamplesPerSecond),
    statisticsEqualToOneThread: threadedStatsEqual,
    // CPU seconds of the whole process per second of wall time, 1-thread statistics and evaluation vs
    // threaded statistics and sweep: near 1 for both means the machine gave this process one core's worth,
    // and the speedups below cannot show (other work on the machine; see loadAverageAtEnd).
    coresUsedByOneThread: round(singleCoresUsed),
    coresUsedByThreads: round(threadedCoresUsed),
    sweepSeconds: round(threadedSweep30),
    statisticsSpeedup: round(threadedStatisticsSamplesPerSecond / statisticsSamplesPerSecond),
    sweepSpeedup: round(sweep30 / threadedSweep30),
  },
  peer: peer?.figures ?? { skipped: peer === null ? "--peer off" : "unreachable" },
  ratiosToPeer:
    peer?.figures === undefined
      ? null
      : {
          trainingSecondsPerEpoch: round(secondsPerEpoch / peer.figures.trainingSecondsPerEpoch),
          statisticsSamplesPerSecond: round(statisticsSamplesPerSecond / peer.figures.statisticsSamplesPerSecond),
          sweepSeconds: round(sweep30 / peer.figures.sweepSeconds),
          threadedStatisticsSamplesPerSecond: round(
            threadedStatisticsSamplesPerSecond / peer.figures.statisticsSamplesPerSecond,
          ),
          threadedSweepSeconds: round(threadedSweep30 / peer.figures.sweepSeconds),
        },
  ...(peer?.problem === undefined ? {} : { peerProblem: peer.problem }),
  targets: {
    trainingSecondsPerEpoch: {
      target: "<= 1.0x PyTorch's (same run)",
      met: peer?.figures === undefined ? null : secondsPerEpoch <= peer.figures.trainingSecondsPerEpoch,
    },
    statisticsSamplesPerSecond: {
      target: ">= 45000 (best of 1 and `threads` threads)",
      met: Math.max(statisticsSamplesPerSecond, threadedStatisticsSamplesPerSecond) >= 45_000,
    },
    sweepSeconds: {
      target: "<= 2.5 (30 thresholds, validation + test; best of 1 and `threads` threads)",
      met: Math.min(sweep30, threadedSweep30) <= 2.5,
    },
    peakRssMb: { target: "<= 1536", met: peakRssMb <= 1536 },
  },
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);

interface PeerFigures {
  readonly peer: string;
  /** torch.get_num_threads() */
  readonly threads: number;
  /** The BLAS line of torch.__config__.show(), and the BLAS libraries the process really loaded. */
  readonly blas: string;
  readonly blasLibraries: readonly string[];
  readonly trainingSecondsPerEpoch: number;
  readonly statisticsSamplesPerSecond: number;
  readonly sweepSeconds: number;
}

/** PyTorch's figures on the same split (see pytorch-peer.py), or why there are none. */
function timePyTorchPeer(): { readonly figures?: PeerFigures; readonly problem?: string } {
  const python = findPythonWithTorch();
  if (python === null) {
    return {
      problem:
        "no python3 with torch here: install Debian's python3-torch (apt-get install python3-torch) or set DEADWEIGHT_PYTHON",
    };
  }
  const folder = mkdtempSync(join(tmpdir(), "deadweight-peer-"));
  try {
    for (const [name, data] of [
      ["train", split.train],
      ["validation", split.validation],
      ["test", split.test],
    ] as const) {
      writeFileSync(
        join(folder, `${name}-features.f32`),
        Buffer.from(data.features.buffer, data.features.byteOffset, data.features.byteLength),
      );
      writeFileSync(
        join(folder, `${name}-labels.i32`),
        Buffer.from(data.labels.buffer, data.labels.byteOffset, data.labels.byteLength),
      );
    }
    const script = new URL("./pytorch-peer.py", import.meta.url).pathname;
    const means = DEFAULT_THRESHOLD_GRID.kind === "meanStd" ? DEFAULT_THRESHOLD_GRID.means.join(",") : "";
    const stds = DEFAULT_THRESHOLD_GRID.kind === "meanStd" ? DEFAULT_THRESHOLD_GRID.stds.join(",") : "";
    const answer = spawnSync(
      python,
      [
        script,
        "--data",
        folder,
        "--features",
        "784",
        "--epochs",
        String(epochs),
        "--threads",
        "2",
        "--repeats",
        String(repeats),
        "--means",
        means,
        "--stds",
        stds,
      ],
      // OpenBLAS must detect this CPU itself (STACK.md): the machine-wide overrides are left out for this command only.
      { encoding: "utf8", maxBuffer: 16 * 1024 * 1024, env: environmentWithoutOpenBlasOverrides() },
    );
    if (answer.status !== 0) return { problem: `the PyTorch peer failed: ${answer.stderr.trim().slice(-500)}` };
    return { figures: JSON.parse(answer.stdout.trim().split("\n").at(-1) ?? "") as PeerFigures };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function environmentWithoutOpenBlasOverrides(): NodeJS.ProcessEnv {
  const { OPENBLAS_CORETYPE: _coreType, OPENBLAS_L2_SIZE: _l2Size, ...rest } = process.env;
  return rest;
}

function findPythonWithTorch(): string | null {
  const candidates = [process.env.DEADWEIGHT_PYTHON, "/usr/bin/python3", "python3"].filter(
    (candidate): candidate is string => candidate !== undefined && candidate !== "",
  );
  for (const candidate of candidates) {
    if (spawnSync(candidate, ["-c", "import torch"], { stdio: "ignore" }).status === 0) return candidate;
  }
  return null;
}

/** Starts measuring; the returned function gives the process's CPU seconds per wall second since then. */
function cpuMeter(): () => number {
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  return () => {
    const cpu = process.cpuUsage(cpuStart);
    return (cpu.user + cpu.system) / 1e6 / ((performance.now() - wallStart) / 1000);
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
