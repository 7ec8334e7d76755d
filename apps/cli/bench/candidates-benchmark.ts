/**
 * Deployment candidates on MNIST with the 784-512-256-128-10 MLP: trains the base model, sweeps the
 * default 30 thresholds, fine-tunes the sweep's Pareto rows for one epoch (recovery), exports every
 * candidate as float32, float16 and uint8 bundles, and verifies the best bundle of each dtype in a
 * fresh node process with plain TF.js. Prints one JSON object: the frontier (parameters and bytes vs
 * test accuracy) before and after recovery, the size reduction at <= 0.5 point lost before and
 * after, the real bytes on disk and verified accuracy of the best candidate per dtype, a few budget
 * queries and the model card of the best uint8 candidate.
 * Usage: pnpm bench:candidates [-- --epochs 3 --recovery-epochs 1 --backend auto --keep-files]
 * (--max-train-samples / --max-test-samples make a quick smoke run on part of MNIST.)
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  applyPruningPlan,
  type BudgetCandidate,
  type BundleVerification,
  buildModelCard,
  DEFAULT_THRESHOLD_GRID,
  type DeploymentBudget,
  expandThresholdGrid,
  exportVerifiedBundles,
  featureScalingRecord,
  fineTunePrunedNetwork,
  initialiseBackend,
  type MeasuredBundle,
  type MlpWeights,
  majorityClassOf,
  measureModelActivations,
  measureModelBundle,
  paretoFrontier,
  planPruning,
  type RecoveredRow,
  recoverSweepRows,
  runThresholdSweep,
  type SweepRow,
  selectForBudget,
  splitDataset,
  trainBaseModel,
  verificationToleranceSamples,
  WEIGHT_DTYPES,
  type WeightDtype,
  writeBinaryDatasetFile,
} from "@deadweight/core";
import { loadBundledMnist } from "@deadweight/dataset-files";

const { values } = parseArgs({
  // `pnpm run bench:... -- --flag` passes its "--" through to the script.
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    epochs: { type: "string", default: "3" },
    "recovery-epochs": { type: "string", default: "1" },
    backend: { type: "string", default: "auto" },
    "keep-files": { type: "boolean", default: false },
    // Smoke runs only: the reported benchmark uses all of MNIST.
    "max-train-samples": { type: "string" },
    "max-test-samples": { type: "string" },
  },
});
const epochs = Number(values.epochs);
const recoveryEpochs = Number(values["recovery-epochs"]);
/** The accuracy loss the headline numbers tolerate, in points (chosen on validation, as the CLI's suggestion). */
const MAX_DROP_POINTS = 0.5;
const TRAINING = { batchSize: 128, learningRate: 1e-3, seed: 42 } as const;
const started = performance.now();
const log = (message: string) =>
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)}s] ${message}\n`);

const backend = await initialiseBackend(values.backend as "auto");
const { train, test } = loadBundledMnist();
const split = splitDataset(train, test, {
  ...(values["max-train-samples"] === undefined ? {} : { maxTrainSamples: Number(values["max-train-samples"]) }),
  ...(values["max-test-samples"] === undefined ? {} : { maxTestSamples: Number(values["max-test-samples"]) }),
});

log(`training the base model for ${epochs} epochs on ${backend.description}`);
const base = await trainBaseModel(split, { hiddenSizes: [512, 256, 128], activation: "relu", epochs, ...TRAINING });
const stats = await measureModelActivations(base.weights, split.validation);
const sweep = await runThresholdSweep({
  weights: base.weights,
  stats,
  validation: split.validation,
  test: split.test,
  thresholds: expandThresholdGrid(DEFAULT_THRESHOLD_GRID),
});
const okRows = sweep.rows.filter((row) => row.status === "ok");
log(`sweep: ${sweep.rows.length} thresholds, ${okRows.length} with a model, ${round(sweep.seconds)} s`);

// Recovery of the sweep's (validation) Pareto rows; thresholds that keep the same neurons are fine-tuned once.
const seenPlans = new Set<string>();
const chosenRows = okRows.filter((row) => {
  const key = `${row.parameters}:${row.validationAccuracy}:${row.testAccuracy}`;
  if (!row.pareto || seenPlans.has(key)) return false;
  seenPlans.add(key);
  return true;
});
log(`recovery: ${chosenRows.length} Pareto rows x ${recoveryEpochs} epoch(s)`);
const recovered = await recoverSweepRows({
  weights: base.weights,
  stats,
  rows: chosenRows,
  base: sweep.base,
  baseTrainingSeconds: base.training.seconds,
  split,
  training: { epochs: recoveryEpochs, ...TRAINING },
  onProgress: ({ rowId, done, total, training }) => {
    if (training === undefined) log(`recovered ${done}/${total} (${rowId})`);
  },
});
// Control: the unpruned network trained for the same extra epochs, so recovery is not credited with what
// more training alone gives.
const control = await fineTunePrunedNetwork(base.weights, split, { epochs: recoveryEpochs, ...TRAINING });

// Bundles of every candidate (one-shot and recovered weights of each chosen row, and the base) in every dtype.
interface CandidateNetwork {
  readonly id: string;
  readonly row: SweepRow | null;
  readonly version: "base" | "one-shot" | "recovered";
  readonly weights: MlpWeights;
  readonly latencyMsPerSample: number;
  readonly recovery: RecoveredRow | null;
}
const networks: CandidateNetwork[] = [
  {
    id: "base",
    row: null,
    version: "base",
    weights: base.weights,
    latencyMsPerSample: sweep.base.latencyMsPerSample,
    recovery: null,
  },
  ...chosenRows.flatMap((row, index): CandidateNetwork[] => [
    {
      id: `${row.id}/one-shot`,
      row,
      version: "one-shot",
      weights: applyPruningPlan(base.weights, planPruning(stats, row.threshold)),
      latencyMsPerSample: row.latencyMsPerSample as number,
      recovery: null,
    },
    {
      id: `${row.id}/recovered`,
      row,
      version: "recovered",
      weights: (recovered[index] as RecoveredRow).weights,
      latencyMsPerSample: row.latencyMsPerSample as number,
      recovery: recovered[index] as RecoveredRow,
    },
  ]),
];
log(`measuring ${networks.length} networks x ${WEIGHT_DTYPES.length} dtypes as reloaded bundles`);
const bundlesStarted = performance.now();
const measured = new Map<string, Map<WeightDtype, MeasuredBundle>>();
for (const network of networks) {
  const perDtype = new Map<WeightDtype, MeasuredBundle>();
  for (const dtype of WEIGHT_DTYPES) {
    perDtype.set(
      dtype,
      await measureModelBundle(network.weights, dtype, { test: split.test, validation: split.validation }),
    );
  }
  measured.set(network.id, perDtype);
}
const bundleSeconds = (performance.now() - bundlesStarted) / 1000;
function bundleOf(networkId: string, dtype: WeightDtype): MeasuredBundle {
  const bundle = measured.get(networkId)?.get(dtype);
  if (bundle === undefined) throw new Error(`no ${dtype} bundle measured for ${networkId}`);
  return bundle;
}
const validationDrop = (bundle: MeasuredBundle) =>
  100 * (sweep.base.validationAccuracy - (bundle.validation?.accuracy as number));

// Best per dtype: the fewest real bytes among bundles whose reloaded validation accuracy is within 0.5 point.
const folder = mkdtempSync(join(tmpdir(), "deadweight-candidates-"));
const testSetFile = join(folder, "mnist-test.dwds");
await writeBinaryDatasetFile(testSetFile, split.test);
const bestPerDtype: Record<string, unknown> = {};
const bestBundles: { dtype: WeightDtype; network: CandidateNetwork; bundle: MeasuredBundle; folder: string }[] = [];
for (const dtype of WEIGHT_DTYPES) {
  const eligible = networks
    .map((network) => ({ network, bundle: bundleOf(network.id, dtype) }))
    .filter(({ bundle }) => validationDrop(bundle) <= MAX_DROP_POINTS)
    .sort((a, b) => a.bundle.bytes - b.bundle.bytes);
  const best = eligible[0];
  if (best === undefined) bestPerDtype[dtype] = null;
  else bestBundles.push({ dtype, ...best, folder: join(folder, best.network.id.replaceAll("/", "__"), dtype) });
}
// Written and verified in one fresh process, as the worker's deploy stage does.
const verificationStarted = performance.now();
const verifications = await exportVerifiedBundles(
  bestBundles.map(({ bundle, folder: bundleFolder }) => ({
    bundle: bundle.bundle,
    options: {
      folder: bundleFolder,
      testSetFile,
      expected: bundle.test,
      toleranceSamples: verificationToleranceSamples(backend, bundle.test.samples),
    },
  })),
);
const verificationSeconds = (performance.now() - verificationStarted) / 1000;
const verifiedBest = new Map<
  WeightDtype,
  { network: CandidateNetwork; bundle: MeasuredBundle; verification: BundleVerification }
>();
for (const [index, { dtype, network, bundle, folder: bundleFolder }] of bestBundles.entries()) {
  const verification = verifications[index] as BundleVerification;
  const bytesOnDisk = verification.files.reduce((sum, file) => sum + statSync(join(bundleFolder, file.name)).size, 0);
  verifiedBest.set(dtype, { network, bundle, verification });
  bestPerDtype[dtype] = {
    candidate: network.id,
    parameters: network.row?.parameters ?? sweep.base.parameters,
    bytesOnDisk,
    weightsBinBytes: bundle.bundle.model.weightsBin.byteLength,
    modelJsonBytes: bytesOnDisk - bundle.bundle.model.weightsBin.byteLength,
    sizeReductionPercentVsBaseFloat32: 100 * (1 - bytesOnDisk / bundleOf("base", "float32").bytes),
    reloadedValidationDropPoints: round(validationDrop(bundle)),
    reloadedTestAccuracy: bundle.test.accuracy,
    reloadedTestDropPoints: round(100 * (sweep.base.testAccuracy - bundle.test.accuracy)),
    verifiedTestAccuracy: verification.measured.accuracy,
    verifiedCorrect: `${verification.measured.correct}/${verification.measured.samples}`,
    verifiedMatchesStored: verification.measured.correct === bundle.test.correct,
    verificationToleranceSamples: verification.toleranceSamples,
    verifierSeconds: round(verification.verifier.seconds),
    sha256: Object.fromEntries(verification.files.map((file) => [file.name, file.sha256])),
  };
}

// Budget queries over every bundle (accuracy drop on validation: test stays for reporting).
const budgetCandidates: BudgetCandidate[] = networks.map((network) => ({
  id: network.id,
  latencyMsPerSample: network.latencyMsPerSample,
  bundles: WEIGHT_DTYPES.map((dtype) => {
    const bundle = bundleOf(network.id, dtype);
    return { weightDtype: dtype, bytes: bundle.bytes, accuracyDropPoints: validationDrop(bundle) };
  }),
}));
const budgets: DeploymentBudget[] = [
  { maxBytes: 256 * 1024 },
  { maxBytes: 100_000, maxAccuracyDropPoints: MAX_DROP_POINTS },
  // Half the base model's latency: a device that needs twice the speed.
  {
    maxBytes: 150_000,
    maxAccuracyDropPoints: MAX_DROP_POINTS,
    maxLatencyMsPerSample: round(sweep.base.latencyMsPerSample / 2, 4),
  },
  { maxBytes: 20_000, maxAccuracyDropPoints: MAX_DROP_POINTS },
];
const budgetQueries = budgets.map((budget) => {
  const answer = selectForBudget(budgetCandidates, budget);
  return answer.fits
    ? {
        budget,
        fits: true,
        best: answer.best,
        binding: answer.binding.map((entry) => entry.constraints.join("+")),
        explanation: answer.explanation,
      }
    : { budget, fits: false, closest: answer.closest, missing: answer.missing, explanation: answer.explanation };
});

const uint8Best = verifiedBest.get("uint8");
const modelCard =
  uint8Best === undefined || uint8Best.network.row === null
    ? null
    : buildModelCard({
        candidateId: uint8Best.network.id,
        createdAt: new Date(),
        source: { runId: null, description: "candidates benchmark (bundled MNIST)" },
        threshold: uint8Best.network.row.threshold,
        base: sweep.base,
        weights: uint8Best.network.weights,
        oneShot: {
          validationAccuracy: uint8Best.network.row.validationAccuracy as number,
          testAccuracy: uint8Best.network.row.testAccuracy as number,
        },
        recovery:
          uint8Best.network.recovery === null
            ? null
            : {
                validationAccuracy: uint8Best.network.recovery.recovered.validationAccuracy,
                testAccuracy: uint8Best.network.recovery.recovered.testAccuracy,
                epochs: uint8Best.network.recovery.epochs,
                seconds: uint8Best.network.recovery.seconds,
                baseTrainingSeconds: base.training.seconds,
              },
        latencyMsPerSample: uint8Best.network.latencyMsPerSample,
        bundles: WEIGHT_DTYPES.map((dtype) => {
          const bundle = bundleOf(uint8Best.network.id, dtype);
          return {
            weightDtype: dtype,
            bytes: bundle.bytes,
            files: bundle.files,
            test: bundle.test,
            // The fresh-process verification, for each dtype whose best candidate this one is too.
            ...(verifiedBest.get(dtype)?.network === uint8Best.network
              ? { folder: dtype, verification: verifiedBest.get(dtype)?.verification }
              : {}),
          };
        }),
        split: split.record,
        backend,
        // MNIST's pixels are divided by 255 as they load: nothing is scaled again, nothing folded.
        inputs: { featureNames: null, scaling: featureScalingRecord(split) },
        classNames: null,
        majorityClass: majorityClassOf(split),
      });

if (!values["keep-files"]) rmSync(folder, { recursive: true, force: true });

const frontierBefore = frontier(
  okRows.map((row) => ({ id: row.id, parameters: row.parameters, testAccuracy: row.testAccuracy as number })),
);
const frontierAfter = frontier(
  recovered.map((row) => ({ id: row.rowId, parameters: row.parameters, testAccuracy: row.recovered.testAccuracy })),
);
const beforeBest = smallestWithin(
  okRows.map((row) => ({
    id: row.id,
    parameters: row.parameters,
    validationDrop: row.validationAccuracyDrop as number,
    testDrop: row.testAccuracyDrop as number,
  })),
);
const afterBest = smallestWithin(
  recovered.map((row) => ({
    id: row.rowId,
    parameters: row.parameters,
    validationDrop: row.recoveredValidationAccuracyDrop,
    testDrop: row.recoveredTestAccuracyDrop,
  })),
);
const recoverySeconds = recovered.reduce((sum, row) => sum + row.seconds, 0);

const totalSeconds = (performance.now() - started) / 1000;
const report = {
  benchmark: "candidates-mnist-784-512-256-128-10",
  backend: backend.description,
  machine: { cpus: cpus().length, node: process.version },
  samples: {
    train: split.train.labels.length,
    validation: split.validation.labels.length,
    test: split.test.labels.length,
  },
  base: {
    epochs,
    trainingSeconds: round(base.training.seconds),
    parameters: sweep.base.parameters,
    validationAccuracy: sweep.base.validationAccuracy,
    testAccuracy: sweep.base.testAccuracy,
    latencyMsPerSample: round(sweep.base.latencyMsPerSample, 4),
    bundleBytes: Object.fromEntries(WEIGHT_DTYPES.map((dtype) => [dtype, bundleOf("base", dtype).bytes])),
  },
  control: {
    description: `the unpruned network trained ${recoveryEpochs} more epoch(s), as the recovered rows are`,
    validationAccuracy: control.validationAccuracy,
    testAccuracy: control.testAccuracy,
    seconds: round(control.seconds),
  },
  sweep: { thresholds: sweep.rows.length, rowsWithModel: okRows.length, seconds: round(sweep.seconds) },
  frontierBefore,
  recovery: {
    epochs: recoveryEpochs,
    rows: recovered.map((row) => ({
      id: row.rowId,
      parameters: row.parameters,
      oneShotTestAccuracy: row.oneShot.testAccuracy,
      recoveredTestAccuracy: row.recovered.testAccuracy,
      oneShotValidationDropPoints: round(100 * (sweep.base.validationAccuracy - row.oneShot.validationAccuracy)),
      recoveredValidationDropPoints: round(row.recoveredValidationAccuracyDrop),
      seconds: round(row.seconds),
      costRelativeToBaseTraining: round(row.costRelativeToBaseTraining),
    })),
    totalSeconds: round(recoverySeconds),
    totalCostRelativeToBaseTraining: round(recoverySeconds / base.training.seconds),
  },
  frontierAfter,
  sizeReductionAtHalfPoint: {
    rule: `fewest parameters among rows whose validation accuracy is at most ${MAX_DROP_POINTS} point below the base's (test reported alongside)`,
    before: describeReduction(beforeBest, false),
    after: describeReduction(afterBest, true),
  },
  bestPerDtype: {
    rule: `fewest real bytes on disk among all candidates (base, one-shot and recovered Pareto rows) whose reloaded bundle loses at most ${MAX_DROP_POINTS} validation point; verified in a fresh node process with plain TF.js on the ${split.test.labels.length} test samples`,
    ...bestPerDtype,
  },
  budgetQueries,
  modelCard,
  seconds: {
    total: round(totalSeconds),
    bundleMeasurement: round(bundleSeconds),
    verification: round(verificationSeconds),
  },
  // Issue 12's target: measuring and verifying the bundles (the worker's deploy stage) <= 25% of the whole.
  deployShare: {
    share: round((bundleSeconds + verificationSeconds) / totalSeconds),
    target: "<= 0.25 of the total",
    met: (bundleSeconds + verificationSeconds) / totalSeconds <= 0.25,
  },
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);

/** The Pareto frontier of parameters vs test accuracy; thresholds that give the same network share one point. */
function frontier(points: { id: string; parameters: number; testAccuracy: number }[]) {
  const onFrontier = paretoFrontier(points.map((point) => ({ size: point.parameters, accuracy: point.testAccuracy })));
  const merged = new Map<string, { ids: string[]; parameters: number; testAccuracy: number }>();
  for (const [index, point] of points.entries()) {
    if (!onFrontier.has(index)) continue;
    const key = `${point.parameters}:${point.testAccuracy}`;
    const existing = merged.get(key);
    if (existing === undefined)
      merged.set(key, { ids: [point.id], parameters: point.parameters, testAccuracy: point.testAccuracy });
    else existing.ids.push(point.id);
  }
  return [...merged.values()]
    .sort((a, b) => a.parameters - b.parameters)
    .map((point) => ({
      ...point,
      float32WeightBytes: point.parameters * 4,
      testDropPoints: round(100 * (sweep.base.testAccuracy - point.testAccuracy)),
    }));
}

function smallestWithin(rows: { id: string; parameters: number; validationDrop: number; testDrop: number }[]) {
  return rows
    .filter((row) => row.validationDrop <= MAX_DROP_POINTS)
    .reduce<(typeof rows)[number] | null>(
      (best, row) => (best === null || row.parameters < best.parameters ? row : best),
      null,
    );
}

function describeReduction(
  row: { id: string; parameters: number; validationDrop: number; testDrop: number } | null,
  againstControl: boolean,
) {
  if (row === null) return null;
  const controlTestGain = 100 * (control.testAccuracy - sweep.base.testAccuracy);
  return {
    id: row.id,
    parameters: row.parameters,
    parameterReductionPercent: round((100 * (sweep.base.parameters - row.parameters)) / sweep.base.parameters),
    validationDropPoints: round(row.validationDrop),
    testDropPoints: round(row.testDrop),
    // Against the base trained as many extra epochs as recovery: what recovery adds beyond more training.
    ...(againstControl ? { testDropPointsVsControl: round(row.testDrop + controlTestGain) } : {}),
  };
}

function round(x: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(x * factor) / factor;
}
