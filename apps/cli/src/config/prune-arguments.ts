import { ConfigError } from "./config-error.js";
import { parseFlagsAndWords } from "./parse-flags.js";

/** What `deadweight prune` was asked on its command line, before validation. */
export interface PruneArguments {
  readonly help: boolean;
  readonly configPath: string | undefined;
  /** Flag values shaped like the JSON config, to be laid over the config file. */
  readonly overrides: Record<string, unknown>;
}

export const PRUNE_USAGE = `deadweight prune [options]

Trains an MLP, measures every hidden neuron on the validation set, prunes at a sweep of
thresholds and writes results.json, stats.json and the models to --out. Then deploys: the device
budget's answer (else the suggested row) is written as bundles per dtype, each reloaded in a fresh
process with plain TF.js and checked, with a model card: <out>/bundles/<row>/<one-shot|recovered>/.

Options (each also settable in a JSON file given with --config; flags win):
  --config <file.json>          experiment configuration (same field names as results.json "config")
  --dataset <source>            mnist | fashion-mnist | idx:<folder> | csv:<train.csv>[,<test.csv>] (default mnist)
                                (fashion-mnist: Debian's dataset-fashion-mnist, or DEADWEIGHT_FASHION_MNIST_DIR;
                                 IDX files may be gzip, as published)
  --label-column <name|index>   CSV label column (default: the last column)
  --header <yes|no>             whether the CSV's first line is a header           (default: detected)
  --scale <standard|minmax|none>
                                CSV feature scaling, fitted on the training rows only and folded
                                into every exported model's first layer (which so takes raw
                                features); IDX/MNIST pixels are already divided by 255 (default standard)
  --hidden <sizes>              hidden layer sizes, e.g. 512,256,128                   (default 512,256,128)
  --activation <relu|tanh>      hidden activation                                      (default relu)
  --epochs <n>                  training epochs                                        (default 5)
  --batch-size <n>              training batch size                                    (default 128)
  --learning-rate <x>           Adam learning rate                                     (default 0.001)
  --seed <n>                    initialisation and shuffle seed                        (default 42)
  --validation-fraction <x>     last fraction of the training data held out            (default 0.1)
  --max-train-samples <n>       use only the first n training samples (quick runs)
  --max-test-samples <n>        use only the first n test samples (quick runs)
  --criterion <name>            meanStd | stdFold | apoz | rank                        (default meanStd)
  --grid <key=v1,v2 ...>        thresholds: mean=… std=… (meanStd), std=… (stdFold), apoz=… (apoz),
                                keep=… score=std|meanAbs|nonZeroFraction (rank)
                                (default mean=0,0.05,0.1,0.2,0.3,0.5 std=0.1,0.2,0.4,0.6,1)
  --prune-inputs <std>          also prune input features whose std on the validation set is <= std
                                (0: only features constant there, e.g. MNIST's border pixels); their
                                mean is folded into the first layer, and every exported model gets an
                                input-contract.json saying which features it reads    (default off)
  --export <pareto|all|none>    which pruned models to write besides the base model   (default pareto)
  --backend <auto|tensorflow|wasm|cpu>                                                 (default auto)
  --threads <n>                 cores for the run: OpenBLAS's threads for every matrix (default 1)
                                product where OpenBLAS is installed; else compute threads
                                for the statistics and the sweep (README: "threads")
  --out <folder>                where to write the run                                 (default runs/<time>)
  --help                        show this help

Deployment (the config's "deployment" section; --budget-drop and --budget-latency need a byte budget):
  --budget-bytes <n>            device budget: the bundle's bytes on disk; the most accurate bundle
                                within it is deployed (without a budget: the suggested row)
  --budget-drop <points>        at most this many validation accuracy points below the base model
  --budget-latency <ms>         at most this many milliseconds per sample (a row without a measured
                                latency meets no latency limit)
  --dtypes <list>               storage dtypes measured, of float32,float16,uint8      (default all three)
  --recover <epochs>            fine-tune after pruning for this many epochs (0: none) (default 0)
  --recover-rows <answer|pareto>
                                fine-tune the deployed row only, or every Pareto row   (default answer)
  --bundles <answer|pareto>     write the deployed candidate only, or every Pareto row (default answer)

Iterative schedule (the config's "schedule" section; off unless one of these is given): after the
sweep, prune -> fine-tune -> measure again -> prune, round after round; each round is a row
"round-N" (results.json "rows" and "schedule"), suggested and deployed like any row:
  --rounds <n>                  rounds at most                                         (default 5)
  --recover-epochs <n>          fine-tuning epochs after each round's pruning          (default 1)
  --round-drop <points>         each round takes the sweep's threshold that removes the most
                                parameters within this many validation points of the
                                current network                                        (default 1)
  --round-threshold <key=v,...> the same threshold every round instead: mean=…,std=… | std=… (stdFold)
                                | apoz=… | keep=…[,score=std|meanAbs|nonZeroFraction]
  --target-kept <fraction>      stop once at most this fraction of the parameters is left
  --target-drop <points>        stop after the first round more than this many validation points
                                below the base model
`;

const GRID_KEYS: Record<string, string> = {
  mean: "means",
  means: "means",
  std: "stds",
  stds: "stds",
  apoz: "apoz",
  keep: "keepFractions",
  score: "score",
};

/** Parses `deadweight prune` flags; unknown flags and malformed values throw ConfigError naming the flag. */
export function parsePruneArguments(argv: readonly string[]): PruneArguments {
  const parsed = parseFlagsAndWords(
    argv,
    {
      help: { type: "boolean", short: "h" },
      config: { type: "string" },
      dataset: { type: "string" },
      "label-column": { type: "string" },
      header: { type: "string" },
      scale: { type: "string" },
      hidden: { type: "string" },
      activation: { type: "string" },
      epochs: { type: "string" },
      "batch-size": { type: "string" },
      "learning-rate": { type: "string" },
      seed: { type: "string" },
      "validation-fraction": { type: "string" },
      "max-train-samples": { type: "string" },
      "max-test-samples": { type: "string" },
      criterion: { type: "string" },
      grid: { type: "string", multiple: true },
      "prune-inputs": { type: "string" },
      export: { type: "string" },
      backend: { type: "string" },
      threads: { type: "string" },
      out: { type: "string" },
      "budget-bytes": { type: "string" },
      "budget-drop": { type: "string" },
      "budget-latency": { type: "string" },
      dtypes: { type: "string" },
      recover: { type: "string" },
      "recover-rows": { type: "string" },
      bundles: { type: "string" },
      rounds: { type: "string" },
      "recover-epochs": { type: "string" },
      "round-drop": { type: "string" },
      "round-threshold": { type: "string" },
      "target-kept": { type: "string" },
      "target-drop": { type: "string" },
    },
    PRUNE_USAGE,
  );
  const values = parsed.values as Record<string, string | string[] | boolean | undefined>;
  const text = (name: string) => values[name] as string | undefined;
  const overrides: Record<string, unknown> = {};
  const set = (path: string, value: unknown) => {
    if (value === undefined) return;
    const keys = path.split(".");
    let target = overrides;
    for (const key of keys.slice(0, -1)) {
      target[key] ??= {};
      target = target[key] as Record<string, unknown>;
    }
    target[keys[keys.length - 1] as string] = value;
  };

  set("dataset", text("dataset"));
  const labelColumn = text("label-column");
  set(
    "labelColumn",
    labelColumn === undefined ? undefined : /^\d+$/.test(labelColumn) ? Number(labelColumn) : labelColumn,
  );
  set("model.hidden", numberList("--hidden", text("hidden")));
  set("model.activation", text("activation"));
  set("training.epochs", number("--epochs", text("epochs")));
  set("training.batchSize", number("--batch-size", text("batch-size")));
  set("training.learningRate", number("--learning-rate", text("learning-rate")));
  set("seed", number("--seed", text("seed")));
  set("split.validationFraction", number("--validation-fraction", text("validation-fraction")));
  set("split.maxTrainSamples", number("--max-train-samples", text("max-train-samples")));
  set("split.maxTestSamples", number("--max-test-samples", text("max-test-samples")));
  set("split.scale", text("scale"));
  set("header", text("header"));
  set("pruning.criterion", text("criterion"));
  set("pruning.inputStdThreshold", number("--prune-inputs", text("prune-inputs")));
  set("export", text("export"));
  set("backend", text("backend"));
  set("threads", number("--threads", text("threads")));
  set("out", text("out"));
  set("deployment.budget.maxBytes", number("--budget-bytes", text("budget-bytes")));
  set("deployment.budget.maxAccuracyDropPoints", number("--budget-drop", text("budget-drop")));
  set("deployment.budget.maxLatencyMsPerSample", number("--budget-latency", text("budget-latency")));
  set("deployment.dtypes", wordList("--dtypes", text("dtypes")));
  set("deployment.recoveryEpochs", number("--recover", text("recover")));
  set("deployment.recover", text("recover-rows"));
  set("deployment.bundles", text("bundles"));
  set("schedule.rounds", number("--rounds", text("rounds")));
  set("schedule.recoverEpochs", number("--recover-epochs", text("recover-epochs")));
  set("schedule.roundDrop", number("--round-drop", text("round-drop")));
  set("schedule.targetKept", number("--target-kept", text("target-kept")));
  set("schedule.targetDrop", number("--target-drop", text("target-drop")));
  const roundThreshold = text("round-threshold");
  if (roundThreshold !== undefined) {
    set("schedule.thresholds", "fixed");
    set("schedule.threshold", fixedThreshold(roundThreshold));
  }

  // `--grid mean=0,0.1 std=0,0.4`: the pairs after --grid arrive as positionals.
  const gridWords = [...((values.grid as string[] | undefined) ?? []), ...parsed.positionals].flatMap((word) =>
    word.split(/[\s;]+/).filter((part) => part !== ""),
  );
  for (const word of gridWords) {
    const [key, value] = word.split("=", 2);
    const field = key === undefined ? undefined : GRID_KEYS[key.toLowerCase()];
    if (field === undefined || value === undefined) {
      throw new ConfigError(
        `--grid: "${word}" is not a key=values pair with key mean, std, apoz, keep or score (e.g. --grid mean=0,0.1 std=0.2,0.4)`,
      );
    }
    set(`pruning.${field}`, field === "score" ? value : numberList(`--grid ${key}`, value));
  }
  return { help: values.help === true, configPath: text("config"), overrides };
}

/** `--round-threshold mean=0.1,std=0.4` (meanStd), `std=0.2` (stdFold), `apoz=0.9`, `keep=0.5[,score=…]` (rank). */
function fixedThreshold(value: string): Record<string, unknown> {
  const fields = new Map<string, string>();
  for (const pair of value.split(",")) {
    const [key, entry] = pair.split("=", 2).map((part) => part.trim());
    if (key === undefined || key === "" || entry === undefined || fields.has(key)) {
      throw new ConfigError(
        `--round-threshold: "${pair}" in "${value}" is not a key=value pair named once (e.g. --round-threshold mean=0.1,std=0.4)`,
      );
    }
    fields.set(key, entry);
  }
  const keys = [...fields.keys()].sort().join(",");
  const numberOf = (key: string) => number(`--round-threshold ${key}`, fields.get(key));
  switch (keys) {
    case "mean,std":
      return { kind: "meanStd", mean: numberOf("mean"), std: numberOf("std") };
    case "std":
      return { kind: "stdFold", std: numberOf("std") };
    case "apoz":
      return { kind: "apoz", apoz: numberOf("apoz") };
    case "keep":
    case "keep,score":
      return { kind: "rank", keepFraction: numberOf("keep"), score: fields.get("score") ?? "std" };
    default:
      throw new ConfigError(
        `--round-threshold: "${value}" is none of mean=…,std=… (meanStd), std=… (stdFold), apoz=…, keep=…[,score=…] (rank)`,
      );
  }
}

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === "" || Number.isNaN(parsed)) throw new ConfigError(`${flag}: "${value}" is not a number`);
  return parsed;
}

function wordList(flag: string, value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const words = value.split(",").map((word) => word.trim());
  if (words.some((word) => word === "")) {
    throw new ConfigError(`${flag}: "${value}" has an empty entry; give comma-separated names, e.g. float32,uint8`);
  }
  return words;
}

function numberList(flag: string, value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === "") throw new ConfigError(`${flag}: the list is empty; give comma-separated numbers`);
  return value.split(",").map((item) => {
    const parsed = Number(item);
    if (item.trim() === "" || Number.isNaN(parsed)) {
      throw new ConfigError(`${flag}: "${item}" in "${value}" is not a number`);
    }
    return parsed;
  });
}
