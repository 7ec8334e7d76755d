/**
 * How small a network the method gets at the same accuracy, on MNIST and Fashion-MNIST with the
 * 784-512-256-128-10 MLP, over several seeds. Each variant is a real `deadweight prune` run (the
 * command a user types), read back from its results.json:
 *   one-shot     the sweep's rows, no fine-tuning;
 *   recovery     the sweep's Pareto rows, each fine-tuned for --recovery-epochs;
 *   schedule     the iterative schedule (prune -> fine-tune -> measure again), its round rows;
 *   schedule+inputs  the same after input-feature pruning (--prune-inputs --input-std, default 0:
 *                    the inputs constant on validation, such as MNIST's border pixels).
 * Per variant and seed, the row is chosen on VALIDATION, two ways (plain: the fewest parameters within
 * 0.5 validation points of the base model, the core's suggestion rule; noiseMargin: the same after adding
 * one standard error of each row's measured drop) and judged on TEST: parameters removed, test
 * points lost against the base model, and against the honest control (the base network trained for
 * the same total number of epochs as base + fine-tuning, same seed). The verified bundles of the
 * chosen row (bytes per dtype) come from the run's own deploy step when it deployed that row.
 * Prints one JSON object: per dataset and variant, every seed, the mean and the worst seed, and
 * whether the targets are met.
 *
 * Usage: pnpm bench:frontier [-- --datasets mnist,fashion-mnist --seeds 42,43,44 --variants one-shot,recovery,schedule]
 * Quick smoke run: -- --max-train-samples 3000 --max-test-samples 1000 --seeds 1 --hidden 64,32
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { SUGGESTION_MAX_VALIDATION_DROP, smallestRowWithinDrop } from "@deadweight/core";

const { values } = parseArgs({
  // `pnpm run bench:... -- --flag` passes its "--" through to the script.
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    datasets: { type: "string", default: "mnist,fashion-mnist" },
    seeds: { type: "string", default: "42,43,44" },
    variants: { type: "string", default: "one-shot,recovery,schedule,schedule+inputs" },
    hidden: { type: "string", default: "512,256,128" },
    epochs: { type: "string", default: "3" },
    "recovery-epochs": { type: "string", default: "1" },
    // The schedule: each round keeps 75% of every hidden layer's neurons (those of highest std on
    // validation), then fine-tunes for --round-recover-epochs, until a round lands more than
    // --target-drop validation points below the base. (Found on MNIST seed 42: 12 rounds of 1 epoch
    // at 70% chose a row 0.65 test points down; 2 epochs at 75% one 0.29 down at 92.5% removed.
    // Candidates chosen by their drop BEFORE fine-tuning stalled at 67%: a fine-tuned network loses
    // more than 2 points to any 10% cut, and wins it back.)
    rounds: { type: "string", default: "12" },
    "round-threshold": { type: "string", default: "keep=0.75,score=std" },
    "round-recover-epochs": { type: "string", default: "2" },
    "target-drop": { type: "string", default: "0.8" },
    // schedule+inputs: input features whose std on validation is <= this are pruned (0: constant ones only).
    "input-std": { type: "string", default: "0" },
    "max-train-samples": { type: "string" },
    "max-test-samples": { type: "string" },
    "keep-files": { type: "boolean", default: false },
  },
});

/** The targets: parameters removed at <= 0.5 test points lost, mean over seeds. */
const TARGETS: Record<string, Record<string, number>> = {
  mnist: { "one-shot": 0, recovery: 0, schedule: 85, "schedule+inputs": 90 },
  "fashion-mnist": { "one-shot": 0, recovery: 0, schedule: 75, "schedule+inputs": 75 },
};
const MAX_TEST_DROP_POINTS = 0.5;

const BIN = fileURLToPath(new URL("../bin/deadweight.mjs", import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);
const datasets = values.datasets.split(",").filter((name) => name !== "");
const seeds = values.seeds.split(",").map(Number);
const variants = values.variants.split(",") as Variant[];
const epochs = Number(values.epochs);
const recoveryEpochs = Number(values["recovery-epochs"]);
const workDir = mkdtempSync(join(tmpdir(), "deadweight-frontier-"));

type Variant = "one-shot" | "recovery" | "schedule" | "schedule+inputs";

interface ResultsRow {
  readonly id: string;
  readonly status: string;
  readonly parameters: number;
  readonly bytes: number;
  readonly parameterReductionPercent: number;
  readonly validationAccuracy: number | null;
  readonly validationAccuracyDrop: number | null;
  readonly testAccuracy: number | null;
  readonly testAccuracyDrop: number | null;
  readonly keptNeurons: readonly number[];
}
interface ResultsJson {
  readonly base: { readonly parameters: number; readonly testAccuracy: number; readonly validationAccuracy: number };
  readonly split: { readonly validation: { readonly from: number; readonly to: number } };
  readonly rows: readonly ResultsRow[];
  readonly timings: Record<string, number>;
  readonly schedule?: { readonly rounds: readonly { readonly round: number; readonly recoverEpochs: number }[] } | null;
  /** With --prune-inputs: the inputs kept and the parameters of the trained network before they were pruned. */
  readonly inputPruning?: {
    readonly originalWidth: number;
    readonly keptCount: number;
    readonly parametersBeforeInputPruning: number;
  } | null;
  readonly deployment: {
    readonly rows: readonly {
      readonly rowKey: string;
      readonly recovery: {
        readonly epochs: number;
        readonly validationAccuracyDrop: number;
        readonly testAccuracy: number;
        readonly testAccuracyDrop: number;
      } | null;
      readonly bundles: readonly {
        readonly weights: string;
        readonly dtype: string;
        readonly bytes: number;
        readonly testAccuracy: number;
      }[];
    }[];
  } | null;
}

/** One variant on one seed: the row chosen on validation, judged on test. */
interface SeedOutcome {
  readonly seed: number;
  readonly row: string | null;
  readonly keptNeurons: readonly number[] | null;
  readonly keptInputs: number | null;
  readonly parametersRemovedPercent: number | null;
  readonly testAccuracy: number | null;
  readonly testPointsLostVsBase: number | null;
  /** Against the base network trained for as many epochs in total as this row saw (base + fine-tuning). */
  readonly control: { readonly epochs: number; readonly testAccuracy: number; readonly testPointsLost: number } | null;
  readonly bundleBytes: Record<string, number> | null;
  readonly wallSeconds: number;
}

const commonArgs = (dataset: string, seed: number): string[] => [
  "prune",
  "--dataset",
  dataset,
  "--seed",
  String(seed),
  "--hidden",
  values.hidden,
  "--export",
  "none",
  ...(values["max-train-samples"] === undefined ? [] : ["--max-train-samples", values["max-train-samples"]]),
  ...(values["max-test-samples"] === undefined ? [] : ["--max-test-samples", values["max-test-samples"]]),
];

function variantArgs(variant: Variant): string[] {
  const schedule = [
    "--rounds",
    values.rounds,
    "--recover-epochs",
    values["round-recover-epochs"],
    "--round-threshold",
    values["round-threshold"],
    "--target-drop",
    values["target-drop"],
  ];
  switch (variant) {
    case "one-shot":
      return ["--epochs", String(epochs)];
    case "recovery":
      return ["--epochs", String(epochs), "--recover", String(recoveryEpochs), "--recover-rows", "pareto"];
    case "schedule":
      return ["--epochs", String(epochs), ...schedule];
    case "schedule+inputs":
      return ["--epochs", String(epochs), ...schedule, "--prune-inputs", values["input-std"]];
  }
}

/** Runs `deadweight prune` in a child process, its progress lines to stderr, and reads its results.json. */
async function prune(args: readonly string[], out: string): Promise<{ results: ResultsJson; seconds: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args, "--out", out], {
    env: { ...process.env, FORCE_COLOR: "0" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const status = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (status !== 0) throw new Error(`deadweight ${args.join(" ")} failed (exit ${status}):\n${stderr.slice(-4000)}`);
  const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as ResultsJson;
  return { results, seconds: (performance.now() - started) / 1000 };
}

/** The base network trained for `totalEpochs` with the same seed: its test accuracy (cached per dataset, seed, epochs). */
const controls = new Map<string, Promise<number>>();
function controlTestAccuracy(dataset: string, seed: number, totalEpochs: number): Promise<number> {
  const key = `${dataset}/${seed}/${totalEpochs}`;
  let control = controls.get(key);
  if (control === undefined) {
    const out = join(workDir, `control-${dataset}-${seed}-${totalEpochs}`);
    log(`  control: ${dataset}, seed ${seed}, ${totalEpochs} epochs`);
    control = prune(
      [
        ...commonArgs(dataset, seed),
        "--epochs",
        String(totalEpochs),
        "--grid",
        "mean=0",
        "std=0",
        "--dtypes",
        "float32",
      ],
      out,
    ).then(({ results }) => results.base.testAccuracy);
    controls.set(key, control);
  }
  return control;
}

interface Candidate {
  readonly status: "ok";
  readonly id: string;
  readonly parameters: number;
  readonly bytes: number;
  readonly validationAccuracy: number;
  readonly validationAccuracyDrop: number;
  readonly testAccuracy: number;
  readonly keptNeurons: readonly number[];
  /** The epochs this network was trained for in all: base + every fine-tuning it went through. */
  readonly totalEpochs: number;
  readonly weights: "one-shot" | "recovered";
}

/** The rows a variant offers, with the epochs each one saw. */
function candidatesOf(variant: Variant, results: ResultsJson): Candidate[] {
  const okRows = results.rows.filter(
    (row) =>
      row.status === "ok" &&
      row.validationAccuracy !== null &&
      row.validationAccuracyDrop !== null &&
      row.testAccuracy !== null,
  );
  const asCandidate = (row: ResultsRow, totalEpochs: number): Candidate => ({
    status: "ok",
    id: row.id,
    parameters: row.parameters,
    bytes: row.bytes,
    validationAccuracy: row.validationAccuracy as number,
    validationAccuracyDrop: row.validationAccuracyDrop as number,
    testAccuracy: row.testAccuracy as number,
    keptNeurons: row.keptNeurons,
    totalEpochs,
    weights: "one-shot",
  });
  if (variant === "one-shot")
    return okRows.filter((row) => !row.id.startsWith("round-")).map((row) => asCandidate(row, epochs));
  if (variant === "recovery") {
    const byId = new Map(okRows.map((row) => [row.id, row]));
    return (results.deployment?.rows ?? []).flatMap((deployed) => {
      const row = byId.get(deployed.rowKey);
      if (row === undefined || deployed.recovery === null) return [];
      return [
        {
          ...asCandidate(row, epochs + deployed.recovery.epochs),
          validationAccuracy: results.base.validationAccuracy - deployed.recovery.validationAccuracyDrop / 100,
          validationAccuracyDrop: deployed.recovery.validationAccuracyDrop,
          testAccuracy: deployed.recovery.testAccuracy,
          weights: "recovered" as const,
        },
      ];
    });
  }
  const rounds = results.schedule?.rounds ?? [];
  return okRows
    .filter((row) => row.id.startsWith("round-"))
    .map((row) => {
      const round = Number(row.id.slice("round-".length));
      const fineTuned = rounds.filter((r) => r.round <= round).reduce((sum, r) => sum + r.recoverEpochs, 0);
      return asCandidate(row, epochs + fineTuned);
    });
}

/**
 * How a row is chosen on validation. "plain": the fewest parameters within 0.5 validation points (the
 * core's suggestion rule). "noiseMargin": the same, with one standard error of each row's measured drop
 * added first (validationDropStandardError: the validation set is finite, and a row measured just at the
 * limit loses more on new data about half the time).
 */
const CHOICES = ["plain", "noiseMargin"] as const;
type Choice = (typeof CHOICES)[number];
const NOISE_MARGIN_STANDARD_ERRORS = 1;

async function measureVariant(dataset: string, variant: Variant, seed: number): Promise<Record<Choice, SeedOutcome>> {
  const out = join(workDir, `${dataset}-${variant}-${seed}`);
  log(`${dataset} · ${variant} · seed ${seed}...`);
  const { results, seconds } = await prune([...commonArgs(dataset, seed), ...variantArgs(variant)], out);
  const candidates = candidatesOf(variant, results);
  const choose = (choice: Choice) =>
    smallestRowWithinDrop(candidates, {
      maxDropPoints: SUGGESTION_MAX_VALIDATION_DROP,
      sizeAxis: "parameters",
      ...(choice === "noiseMargin"
        ? {
            noiseMargin: {
              validationSamples: results.split.validation.to - results.split.validation.from,
              baseValidationAccuracy: results.base.validationAccuracy,
              standardErrors: NOISE_MARGIN_STANDARD_ERRORS,
            },
          }
        : {}),
    });
  const outcomes = {} as Record<Choice, SeedOutcome>;
  for (const choice of CHOICES) {
    const offered = choose(choice);
    outcomes[choice] = await outcomeOf(
      dataset,
      seed,
      results,
      offered.kind === "within-drop" ? offered.row : null,
      seconds,
    );
  }
  if (!values["keep-files"]) rmSync(join(out, "bundles"), { recursive: true, force: true });
  return outcomes;
}

/** One seed's chosen row, judged on test: against the base model and the equal-epochs control. */
async function outcomeOf(
  dataset: string,
  seed: number,
  results: ResultsJson,
  chosen: Candidate | null,
  seconds: number,
): Promise<SeedOutcome> {
  if (chosen === null) {
    return {
      seed,
      row: null,
      keptNeurons: null,
      keptInputs: null,
      parametersRemovedPercent: null,
      testAccuracy: null,
      testPointsLostVsBase: null,
      control: null,
      bundleBytes: null,
      wallSeconds: Math.round(seconds),
    };
  }
  const trainedParameters = results.inputPruning?.parametersBeforeInputPruning ?? results.base.parameters;
  const controlAccuracy =
    chosen.totalEpochs === epochs
      ? results.base.testAccuracy
      : await controlTestAccuracy(dataset, seed, chosen.totalEpochs);
  const bundles = results.deployment?.rows
    .find((row) => row.rowKey === chosen.id)
    ?.bundles.filter((bundle) => bundle.weights === chosen.weights);
  return {
    seed,
    row: chosen.weights === "recovered" ? `${chosen.id} (recovered)` : chosen.id,
    keptNeurons: chosen.keptNeurons,
    keptInputs: results.inputPruning?.keptCount ?? null,
    // Against the trained network with every input: input pruning's own cut counts.
    parametersRemovedPercent: round2((100 * (trainedParameters - chosen.parameters)) / trainedParameters),
    testAccuracy: round4(chosen.testAccuracy),
    testPointsLostVsBase: round2(100 * (results.base.testAccuracy - chosen.testAccuracy)),
    control: {
      epochs: chosen.totalEpochs,
      testAccuracy: round4(controlAccuracy),
      testPointsLost: round2(100 * (controlAccuracy - chosen.testAccuracy)),
    },
    bundleBytes:
      bundles === undefined || bundles.length === 0
        ? null
        : Object.fromEntries(bundles.map((bundle) => [bundle.dtype, bundle.bytes])),
    wallSeconds: Math.round(seconds),
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const mean = (xs: readonly number[]) => xs.reduce((sum, x) => sum + x, 0) / xs.length;

function summary(dataset: string, variant: Variant, outcomes: readonly SeedOutcome[]) {
  // A seed where no row was within the drop on validation removed nothing (0%), and has no test loss to
  // average: the means of test points lost are over the seeds that offered a row, and say which did not.
  const removed = outcomes.map((o) => o.parametersRemovedPercent ?? 0);
  const chosen = outcomes.filter((o) => o.testPointsLostVsBase !== null);
  const lost = chosen.map((o) => o.testPointsLostVsBase as number);
  const lostVsControl = chosen.map((o) => o.control?.testPointsLost ?? 0);
  const target = TARGETS[dataset]?.[variant] ?? 0;
  const meanRemoved = round2(mean(removed));
  const meanLost = lost.length === 0 ? null : round2(mean(lost));
  return {
    seeds: outcomes,
    seedsWithoutRowWithinDrop: outcomes.filter((o) => o.testPointsLostVsBase === null).map((o) => o.seed),
    meanParametersRemovedPercent: meanRemoved,
    worstSeedParametersRemovedPercent: Math.min(...removed),
    meanTestPointsLost: meanLost,
    worstSeedTestPointsLost: lost.length === 0 ? null : Math.max(...lost),
    meanTestPointsLostVsControl: lostVsControl.length === 0 ? null : round2(mean(lostVsControl)),
    target:
      target === 0
        ? null
        : {
            parametersRemovedPercent: target,
            maxTestPointsLost: MAX_TEST_DROP_POINTS,
            met: meanRemoved >= target && meanLost !== null && meanLost <= MAX_TEST_DROP_POINTS,
          },
  };
}

const report: Record<string, unknown> = {
  machine: { loadAverageAtStart: loadavg().map(round2) },
  settings: {
    ...values,
    choices: {
      plain: `fewest parameters within ${SUGGESTION_MAX_VALIDATION_DROP} validation points`,
      noiseMargin: `fewest parameters whose validation drop plus ${NOISE_MARGIN_STANDARD_ERRORS} standard error is within ${SUGGESTION_MAX_VALIDATION_DROP} points`,
    },
  },
  datasets: {},
};
try {
  for (const dataset of datasets) {
    if (dataset === "fashion-mnist" && !fashionMnistAvailable()) {
      (report.datasets as Record<string, unknown>)[dataset] = {
        skipped:
          "Fashion-MNIST is not on this machine: apt-get install dataset-fashion-mnist, or set DEADWEIGHT_FASHION_MNIST_DIR",
      };
      continue;
    }
    const perVariant: Record<string, unknown> = {};
    for (const variant of variants) {
      const outcomes: Record<Choice, SeedOutcome>[] = [];
      for (const seed of seeds) {
        outcomes.push(await measureVariant(dataset, variant, seed));
      }
      perVariant[variant] = Object.fromEntries(
        CHOICES.map((choice) => [
          choice,
          summary(
            dataset,
            variant,
            outcomes.map((outcome) => outcome[choice]),
          ),
        ]),
      );
      (report.datasets as Record<string, unknown>)[dataset] = perVariant;
    }
  }
  report.machine = { ...(report.machine as object), loadAverageAtEnd: loadavg().map(round2) };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  if (!values["keep-files"]) rmSync(workDir, { recursive: true, force: true });
  else log(`run folders kept in ${workDir}`);
}

function fashionMnistAvailable(): boolean {
  const folder = process.env.DEADWEIGHT_FASHION_MNIST_DIR ?? "/usr/share/datasets/fashion-mnist";
  return existsSync(join(folder, "train-images-idx3-ubyte.gz")) || existsSync(join(folder, "train-images-idx3-ubyte"));
}
