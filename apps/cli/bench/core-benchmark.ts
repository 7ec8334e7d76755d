/**
 * Benchmark of the pruning core on MNIST with the 784-512-256-128-10 MLP at batch 128.
 * Prints one JSON object: training seconds per epoch, statistics samples per second, sweep seconds
 * (30 thresholds, validation + test), the cost of the same sweep done naively, peak RSS, backend,
 * and each target with whether it was met. Usage: pnpm bench [-- --epochs N --backend wasm]
 */
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
  targets: {
    trainingSecondsPerEpoch: { target: "<= 12", met: secondsPerEpoch <= 12 },
    statisticsSamplesPerSecond: { target: ">= 15000", met: statisticsSamplesPerSecond >= 15000 },
    sweepSeconds: { target: "<= 10 (30 thresholds, validation + test)", met: sweep30 <= 10 },
    peakRssMb: { target: "<= 1536", met: peakRssMb <= 1536 },
  },
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
