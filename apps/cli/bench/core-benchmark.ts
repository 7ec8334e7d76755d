/**
 * Benchmark of the pruning core on MNIST with the 784-512-256-128-10 MLP at batch 128.
 * Prints one JSON object: training seconds per epoch, statistics samples per second, sweep seconds
 * (30 thresholds, validation + test), the cost of the same sweep done naively, peak RSS, backend,
 * and each target with whether it was met. Usage: pnpm bench [-- --epochs N --backend wasm --peer off]
 *
 * The peer: when a python3 with torch is on this machine (Debian's python3-torch; DEADWEIGHT_PYTHON
 * names another interpreter), the same split, network, batch size and optimizer are timed in PyTorch
 * on CPU right after (bench/pytorch-peer.py, on 1 thread and on --threads), and each figure is also
 * given as a ratio.
 * Ratios, not absolute figures, are what compare across runs on a noisy machine.
 *
 * Every figure is measured twice in the same run, on 1 thread and on `--threads` (default 2, the
 * experiment setting `threads`), with the speedup of one over the other. With OpenBLAS (the default
 * where libopenblas0 is installed) the threads are OpenBLAS's, for every product, training included;
 * without it, compute threads split the statistics and the sweep and training stays on one thread.
 * The machine's load average is printed with the figures: on a shared machine it says how far to trust them.
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
  usesComputeThreads,
} from "@deadweight/core";
import { loadBundledMnist } from "@deadweight/dataset-files";

/** Machine-wide settings that pin OpenBLAS to another CPU's kernels (this machine kind sets them). */
const OPENBLAS_OVERRIDES: readonly string[] = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"];

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

// OpenBLAS must detect this CPU itself (STACK.md): the machine-wide overrides are dropped before it
// loads, here as for the peer, so both sides run the same OpenBLAS kernels.
for (const name of OPENBLAS_OVERRIDES) delete process.env[name];
const backend = await initialiseBackend(values.backend as "auto", { threads: 1 });
const { train, test } = loadBundledMnist();
const split = splitDataset(train, test);
const spec: MlpSpec = { inputSize: 784, hiddenSizes: [512, 256, 128], activation: "relu", classCount: 10 };
const thresholds = expandThresholdGrid(DEFAULT_THRESHOLD_GRID);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

interface ThreadFigures {
  readonly threads: number;
  /** "openblas": every product on OpenBLAS's threads; "compute-threads": statistics and sweep split over compute threads, training on one. */
  readonly how: "openblas" | "compute-threads" | "one thread";
  readonly trainingSecondsPerEpoch: number;
  readonly trainingEpochSeconds: number[];
  readonly finalValidationAccuracy: number | null;
  readonly statisticsSamplesPerSecond: number;
  readonly sweepSeconds: number;
  readonly sweepThresholds: number;
  /** CPU seconds of the whole process per wall second during the statistics passes and sweeps. */
  readonly coresUsed: number;
  readonly naiveSweepSeconds?: number;
  readonly threadStartSeconds?: number;
}

/** Trains the network from the same seed and times the statistics pass and the sweep, on `count` threads. */
async function measureOn(count: number): Promise<ThreadFigures> {
  const info = await initialiseBackend(values.backend as "auto", { threads: count });
  const network = createMlpNetwork(spec, 42);
  try {
    const training = await trainMlp(network, split, { epochs, batchSize: 128, seed: 42 });
    const weights = readMlpWeights(network);
    const layers = borrowNetworkTensors(network);
    const computeThreads = usesComputeThreads(info)
      ? await timed(() => openComputeThreads({ threads: count, backend: info.name }))
      : null;
    try {
      const measure = () =>
        computeThreads === null
          ? measureActivations(layers, split.validation)
          : computeThreads.value.measureActivations(weights, split.validation);
      const sweep = computeThreads?.value.runThresholdSweep ?? runThresholdSweep;
      let stats = await measure();
      const cpu = cpuMeter();
      const statisticsSeconds: number[] = [];
      for (let run = 0; run < repeats; run++) {
        const started = performance.now();
        stats = await measure();
        statisticsSeconds.push((performance.now() - started) / 1000);
      }
      const sweepSeconds: number[] = [];
      let rows = 0;
      for (let run = 0; run < repeats; run++) {
        const swept = await sweep({ weights, stats, validation: split.validation, test: split.test, thresholds });
        sweepSeconds.push(swept.seconds);
        rows = swept.rows.length;
      }
      const coresUsed = cpu();
      // What a sweep would cost without sharing work: one full evaluation of validation + test per threshold.
      const fullEvaluationSeconds: number[] = [];
      for (let run = 0; run < repeats; run++) {
        const started = performance.now();
        evaluateAccuracy(layers, split.validation);
        evaluateAccuracy(layers, split.test);
        fullEvaluationSeconds.push((performance.now() - started) / 1000);
      }
      return {
        threads: count,
        how: info.openBlas !== undefined ? "openblas" : computeThreads !== null ? "compute-threads" : "one thread",
        trainingSecondsPerEpoch: round(median(training.epochs.map((epoch) => epoch.seconds))),
        trainingEpochSeconds: training.epochs.map((epoch) => round(epoch.seconds)),
        finalValidationAccuracy: training.epochs.at(-1)?.validationAccuracy ?? null,
        statisticsSamplesPerSecond: Math.round(split.validation.labels.length / median(statisticsSeconds)),
        sweepSeconds: round(median(sweepSeconds)),
        sweepThresholds: rows,
        coresUsed: round(coresUsed),
        naiveSweepSeconds: round(thresholds.length * median(fullEvaluationSeconds)),
        ...(computeThreads === null ? {} : { threadStartSeconds: round(computeThreads.seconds) }),
      };
    } finally {
      await computeThreads?.value.close();
    }
  } finally {
    network.dispose();
  }
}

const oneThread = await measureOn(1);
const allThreads = await measureOn(threads);
const best = {
  trainingSecondsPerEpoch: Math.min(oneThread.trainingSecondsPerEpoch, allThreads.trainingSecondsPerEpoch),
  statisticsSamplesPerSecond: Math.max(oneThread.statisticsSamplesPerSecond, allThreads.statisticsSamplesPerSecond),
  sweepSeconds: Math.min(oneThread.sweepSeconds, allThreads.sweepSeconds),
};
const peakRssMb = process.resourceUsage().maxRSS / 1024;

const peerOneThread = values.peer === "off" ? null : timePyTorchPeer(1);
const peer = values.peer === "off" ? null : timePyTorchPeer(threads);

const ratio = (ours: number, theirs: number | undefined) => (theirs === undefined ? null : round(ours / theirs));
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
  oneThread,
  allThreads,
  speedupOfAllThreads: {
    training: round(oneThread.trainingSecondsPerEpoch / allThreads.trainingSecondsPerEpoch),
    statistics: round(allThreads.statisticsSamplesPerSecond / oneThread.statisticsSamplesPerSecond),
    sweep: round(oneThread.sweepSeconds / allThreads.sweepSeconds),
  },
  peakRssMb: Math.round(peakRssMb),
  peerOneThread: peerOneThread?.figures ?? { skipped: peerOneThread === null ? "--peer off" : "unreachable" },
  peer: peer?.figures ?? { skipped: peer === null ? "--peer off" : "unreachable" },
  // Ours over the peer's: below 1 is better for seconds, above 1 is better for samples per second.
  ratiosToPeer:
    peer?.figures === undefined
      ? null
      : {
          // Ours on 1 thread against the peer on 1 thread.
          oneThread:
            peerOneThread?.figures === undefined
              ? null
              : {
                  trainingSecondsPerEpoch: ratio(
                    oneThread.trainingSecondsPerEpoch,
                    peerOneThread.figures.trainingSecondsPerEpoch,
                  ),
                  statisticsSamplesPerSecond: ratio(
                    oneThread.statisticsSamplesPerSecond,
                    peerOneThread.figures.statisticsSamplesPerSecond,
                  ),
                  sweepSeconds: ratio(oneThread.sweepSeconds, peerOneThread.figures.sweepSeconds),
                },
          // Ours on --threads against the peer on as many.
          allThreads: {
            trainingSecondsPerEpoch: ratio(allThreads.trainingSecondsPerEpoch, peer.figures.trainingSecondsPerEpoch),
            statisticsSamplesPerSecond: ratio(
              allThreads.statisticsSamplesPerSecond,
              peer.figures.statisticsSamplesPerSecond,
            ),
            sweepSeconds: ratio(allThreads.sweepSeconds, peer.figures.sweepSeconds),
          },
        },
  ...(peer?.problem === undefined ? {} : { peerProblem: peer.problem }),
  targets: {
    trainingSecondsPerEpoch: {
      target: "<= 1.0x PyTorch's on 2 threads (same run; ours: best of 1 and all threads)",
      met: peer?.figures === undefined ? null : best.trainingSecondsPerEpoch <= peer.figures.trainingSecondsPerEpoch,
    },
    statisticsSamplesPerSecond: {
      target: ">= 45000 (best of 1 and all threads)",
      met: best.statisticsSamplesPerSecond >= 45_000,
    },
    sweepSeconds: {
      target: "<= 2.5 (30 thresholds, validation + test; best of 1 and all threads)",
      met: best.sweepSeconds <= 2.5,
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
function timePyTorchPeer(peerThreads: number): { readonly figures?: PeerFigures; readonly problem?: string } {
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
        String(peerThreads),
        "--repeats",
        String(repeats),
        "--means",
        means,
        "--stds",
        stds,
      ],
      // OpenBLAS must detect this CPU itself (STACK.md): the machine-wide overrides are left out for this
      // command only. And OpenBLAS gets 1 thread, torch's own pool the `--threads`: with both pools at 2
      // (Debian's default) they oversubscribe the cores and an epoch took 9.7-13.6 s here instead of 5.2.
      {
        encoding: "utf8",
        maxBuffer: 16 * 1024 * 1024,
        env: { ...environmentWithoutOpenBlasOverrides(), OPENBLAS_NUM_THREADS: "1" },
      },
    );
    if (answer.status !== 0) return { problem: `the PyTorch peer failed: ${answer.stderr.trim().slice(-500)}` };
    return { figures: JSON.parse(answer.stdout.trim().split("\n").at(-1) ?? "") as PeerFigures };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function environmentWithoutOpenBlasOverrides(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !OPENBLAS_OVERRIDES.includes(name)),
  ) as NodeJS.ProcessEnv;
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - started) / 1000 };
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
