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
  },
});
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const secondsPerEpoch = median(training.epochs.map((epoch) => epoch.seconds));
const statisticsSamplesPerSecond = split.validation.labels.length / median(statisticsSeconds);
const sweep30 = median(sweepSeconds);
const naiveSweep30 = thresholds.length * median(fullEvaluationSeconds);
const peakRssMb = process.resourceUsage().maxRSS / 1024;

const peer = values.peer === "off" ? null : timePyTorchPeer();

const report = {
  benchmark: "core-mnist-784-512-256-128-10",
  backend: backend.description,
  machine: { cpus: (await import("node:os")).cpus().length, node: process.version },
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
  // One run trains on one thread today: the threaded backend is not built yet.
  threads: 1,
  peer: peer?.figures ?? { skipped: peer === null ? "--peer off" : "unreachable" },
  ratiosToPeer:
    peer?.figures === undefined
      ? null
      : {
          trainingSecondsPerEpoch: round(secondsPerEpoch / peer.figures.trainingSecondsPerEpoch),
          statisticsSamplesPerSecond: round(statisticsSamplesPerSecond / peer.figures.statisticsSamplesPerSecond),
          sweepSeconds: round(sweep30 / peer.figures.sweepSeconds),
        },
  ...(peer?.problem === undefined ? {} : { peerProblem: peer.problem }),
  targets: {
    trainingSecondsPerEpoch: {
      target: "<= 1.0x PyTorch's (same run)",
      met: peer?.figures === undefined ? null : secondsPerEpoch <= peer.figures.trainingSecondsPerEpoch,
    },
    statisticsSamplesPerSecond: { target: ">= 45000", met: statisticsSamplesPerSecond >= 45_000 },
    sweepSeconds: { target: "<= 2.5 (30 thresholds, validation + test)", met: sweep30 <= 2.5 },
    peakRssMb: { target: "<= 1536", met: peakRssMb <= 1536 },
  },
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);

interface PeerFigures {
  readonly peer: string;
  readonly threads: number;
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
      { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
    );
    if (answer.status !== 0) return { problem: `the PyTorch peer failed: ${answer.stderr.trim().slice(-500)}` };
    return { figures: JSON.parse(answer.stdout.trim().split("\n").at(-1) ?? "") as PeerFigures };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
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

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
