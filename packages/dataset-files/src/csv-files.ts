import {
  type Dataset,
  DeadweightError,
  datasetRange,
  parseCsvDataset,
  parseCsvDatasets,
  sampleCount,
} from "@deadweight/core";
import { readCsvText } from "./csv-text.js";

/** Share of the rows of a lone CSV file held out, from its end, as the test set. */
export const CSV_TEST_FRACTION = 0.2;

export interface CsvFiles {
  readonly train: string;
  readonly test?: string;
  /** Header name or 0-based column index of the label; default: the last column. */
  readonly labelColumn?: string | number;
  /** Whether the first line is a header; default: detected (see parseCsvDataset). */
  readonly header?: boolean;
}

/**
 * Loads a training CSV and an optional test CSV. Without a test file, the last 20% of the training
 * file's rows become the test set, and both names say so (`data.csv[0:120] (first 80%)`,
 * `data.csv[120:150] (last 20%, no test file)`). Class names map to the same indices in both sets:
 * the sorted union of the names found in either file. A `.csv.gz` (any gzip file) is decompressed.
 */
export function loadCsvFiles(files: CsvFiles): { train: Dataset; test: Dataset; classNames: string[] | null } {
  return loadCsvTexts({
    ...(files.labelColumn === undefined ? {} : { labelColumn: files.labelColumn }),
    ...(files.header === undefined ? {} : { header: files.header }),
    train: { text: readCsvText(files.train), name: files.train },
    ...(files.test === undefined ? {} : { test: { text: readCsvText(files.test), name: files.test } }),
  });
}

/** One CSV file's text and the name its datasets and errors use. */
export interface CsvText {
  readonly text: string;
  readonly name: string;
}

/** loadCsvFiles over texts already read (e.g. a dataset the platform stores). */
export function loadCsvTexts(
  files: Omit<CsvFiles, "train" | "test"> & { readonly train: CsvText; readonly test?: CsvText },
): { train: Dataset; test: Dataset; classNames: string[] | null } {
  const trainText = files.train.text;
  const options = {
    ...(files.labelColumn === undefined ? {} : { labelColumn: files.labelColumn }),
    ...(files.header === undefined ? {} : { hasHeader: files.header }),
  };
  if (files.test === undefined) return holdOutTail(files.train.name, trainText, options);
  const { datasets, classNames } = parseCsvDatasets(
    [
      { text: trainText, name: files.train.name },
      { text: files.test.text, name: files.test.name },
    ],
    options,
  );
  const [train, test] = datasets as [Dataset, Dataset];
  return { train, test, classNames };
}

function holdOutTail(
  path: string,
  text: string,
  options: { readonly labelColumn?: string | number; readonly hasHeader?: boolean },
): { train: Dataset; test: Dataset; classNames: string[] | null } {
  const { dataset, classNames } = parseCsvDataset(text, { name: path, ...options });
  const count = sampleCount(dataset);
  if (count < 2) {
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset "${path}" has ${count} data row; without a test file its last ${CSV_TEST_FRACTION * 100}% become the test set, which needs at least 2 rows (or pass a test file)`,
    );
  }
  const trainCount = count - Math.max(1, Math.round(count * CSV_TEST_FRACTION));
  const trainPercent = 100 - CSV_TEST_FRACTION * 100;
  return {
    train: datasetRange(dataset, 0, trainCount, `${path}[0:${trainCount}] (first ${trainPercent}%)`),
    test: datasetRange(
      dataset,
      trainCount,
      count,
      `${path}[${trainCount}:${count}] (last ${CSV_TEST_FRACTION * 100}%, no test file)`,
    ),
    classNames,
  };
}
