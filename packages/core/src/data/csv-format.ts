import { DeadweightError } from "../errors.js";
import { assertValidDataset, type Dataset } from "./dataset.js";

export interface CsvDatasetOptions {
  /** Used in the dataset name and in every error message (usually the file name). */
  readonly name: string;
  /** Header name or 0-based column index of the class label. Default: the last column. */
  readonly labelColumn?: string | number;
  /**
   * Whether the first non-blank line is a header. Default: auto-detect; it is a header when one of its
   * feature cells is not a number, or when its label cell is not a number while the next row's is.
   */
  readonly hasHeader?: boolean;
  /** Number of classes; default: the largest label + 1 (numeric labels) or the number of class names. */
  readonly classCount?: number;
  /**
   * A fixed label-name -> index mapping (index = position).
   * When given, every label cell is looked up here by its exact text, numeric or not.
   */
  readonly classNames?: readonly string[];
}

export interface CsvDataset {
  readonly dataset: Dataset;
  /** Class index -> name when the labels were names; null when they were already integers 0..k-1. */
  readonly classNames: string[] | null;
}

/** One CSV text and the name (usually the file name) its dataset and error messages use. */
export interface CsvSource {
  readonly text: string;
  readonly name: string;
}

export interface CsvDatasets {
  /** One dataset per source, in order, all with the same features, label mapping and class count. */
  readonly datasets: Dataset[];
  /** Class index -> name when the labels were names; null when they were already integers 0..k-1. */
  readonly classNames: string[] | null;
}

interface CsvRow {
  /** 1-based line number in the text, for error messages. */
  readonly line: number;
  readonly cells: string[];
}

/** A CSV text split into features and raw label cells, before labels get their indices. */
interface CsvTable {
  readonly name: string;
  readonly rows: CsvRow[];
  readonly features: Float32Array;
  readonly featureCount: number;
  readonly labelCells: string[];
  /** The label column as error messages name it: `column 5 ("species")`. */
  readonly labelColumn: string;
  /** The header's names of the feature columns, in order; null without a header. */
  readonly featureNames: string[] | null;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

/**
 * Parses CSV text (one sample per line, comma-separated, minimal "quoted, cells") into a Dataset.
 * Labels are integers 0..k-1, or arbitrary names mapped to the indices of their sorted unique list.
 */
export function parseCsvDataset(text: string, options: CsvDatasetOptions): CsvDataset {
  const { datasets, classNames } = parseCsvDatasets([{ text, name: options.name }], options);
  return { dataset: datasets[0] as Dataset, classNames };
}

/**
 * Parses several CSV texts (e.g. a train and a test file) as parseCsvDataset does, with one label
 * mapping for all: names map to their index in the sorted union of the names found in any text, and
 * every dataset gets the class count of the whole group, so a test file may lack some classes.
 */
export function parseCsvDatasets(sources: readonly CsvSource[], options: Omit<CsvDatasetOptions, "name">): CsvDatasets {
  const tables = sources.map((source) => readCsvTable(source.text, { ...options, name: source.name }));
  const first = tables[0];
  if (first === undefined) {
    throw new DeadweightError("INVALID_OPTION", "parseCsvDatasets needs at least one CSV source");
  }
  for (const table of tables) {
    if (table.featureCount !== first.featureCount) {
      throw new DeadweightError(
        "INVALID_DATASET",
        `dataset "${table.name}" has ${table.featureCount} feature columns but "${first.name}" has ${first.featureCount}; the CSV files need the same columns`,
      );
    }
  }
  const classNames = chooseClassNames(tables, options.classNames);
  const labelsPerTable = tables.map((table) => mapLabels(table, classNames));
  const classCount = chooseClassCount(tables, labelsPerTable, classNames, options.classCount);
  const featureNames = first.featureNames;
  const datasets = tables.map((table, index): Dataset => {
    const dataset = {
      name: table.name,
      features: table.features,
      labels: labelsPerTable[index] as Int32Array,
      featureCount: table.featureCount,
      classCount,
      ...(classNames === null ? {} : { classNames }),
      ...(featureNames === null ? {} : { featureNames }),
    };
    assertValidDataset(dataset);
    return dataset;
  });
  return { datasets, classNames };
}

function readCsvTable(text: string, options: CsvDatasetOptions): CsvTable {
  const { name } = options;
  const rows = splitCsvRows(text, name);
  if (rows.length === 0) {
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset "${name}": the CSV has no rows; expected one sample per line`,
    );
  }
  assertFirstLineFits(rows, name);
  const first = rows[0] as CsvRow;
  const columnCount = first.cells.length;
  if (columnCount < 2) {
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset "${name}": line ${first.line} has ${columnCount} column; a sample needs at least one feature column and a label column (is the file comma-separated?)`,
    );
  }
  const hasHeader = options.hasHeader ?? looksLikeHeader(rows, resolveLabelIndexWithoutHeader(options, columnCount));
  const header = hasHeader ? first.cells : null;
  const labelIndex = resolveLabelColumn(options, header, columnCount);
  const dataRows = hasHeader ? rows.slice(1) : rows;
  if (dataRows.length === 0) {
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset "${name}": the CSV has a header row (line ${first.line}) but no data rows; expected one sample per line after it`,
    );
  }
  const featureCount = columnCount - 1;
  const features = new Float32Array(dataRows.length * featureCount);
  const labelCells: string[] = [];
  const labelColumn = columnLabel(labelIndex, header);
  dataRows.forEach((row, sample) => {
    if (row.cells.length !== columnCount) {
      throw new DeadweightError(
        "INVALID_DATASET",
        `dataset "${name}": line ${row.line} has ${row.cells.length} columns, expected ${columnCount} like line ${first.line}`,
      );
    }
    let feature = sample * featureCount;
    row.cells.forEach((cell, column) => {
      if (column !== labelIndex) {
        features[feature++] = parseFeatureCell(cell, name, row.line, columnLabel(column, header));
      } else if (cell === "") {
        throw new DeadweightError(
          "INVALID_DATASET",
          `dataset "${name}": line ${row.line}, ${labelColumn} (the label) is empty; every row needs a label`,
        );
      } else {
        labelCells.push(cell);
      }
    });
  });
  const featureNames = header === null ? null : header.filter((_, column) => column !== labelIndex);
  return { name, rows: dataRows, features, featureCount, labelCells, labelColumn, featureNames };
}

/**
 * A first line that is neither a header nor a sample: some libraries ship CSVs that start with
 * counts and class names ("569,30,malignant,benign"). Caught when it has another number of columns
 * than every row after it, or when it counts them (rows, features) however many columns it has.
 * Throws INVALID_DATASET naming the line, what it looks like, and the fix; never the line's text
 * (a worker's error reaches the whole team, and the file may be anything on the worker's disk).
 */
function assertFirstLineFits(rows: readonly CsvRow[], name: string): void {
  const [first, second, third] = rows as [CsvRow, CsvRow | undefined, CsvRow | undefined];
  if (second === undefined) return;
  const columns = second.cells.length;
  const dataRows = rows.length - 1;
  const [rowCount, featureCount, ...classNames] = first.cells;
  const countLine =
    rowCount !== undefined &&
    featureCount !== undefined &&
    /^\d+$/.test(rowCount) &&
    /^\d+$/.test(featureCount) &&
    Number(rowCount) === dataRows &&
    Number(featureCount) === columns - 1 &&
    // A sample of 2 features has one text cell after two numbers; a count line names 2 classes or more.
    classNames.length >= 2 &&
    classNames.every((cell) => !isNumberLike(cell));
  // Only when the rows after it agree is the first line the odd one out (else the row check names the row).
  const oddOneOut =
    first.cells.length !== columns && (third === undefined || third.cells.length === second.cells.length);
  if (!countLine && !oddOneOut) return;
  const looksLike = countLine
    ? ` It looks like a count line, as some libraries ship their CSVs: ${rowCount} rows and ${featureCount} features, then ${classNames.length} class names (labels 0..${classNames.length - 1}).`
    : "";
  const tail = name.endsWith(".gz") ? `zcat ${name} | tail -n +2 > fixed.csv` : `tail -n +2 ${name} > fixed.csv`;
  const what =
    first.cells.length === columns
      ? `counts the ${dataRows} rows after it`
      : `has ${first.cells.length} columns but the ${dataRows} rows after it have ${columns}`;
  throw new DeadweightError(
    "INVALID_DATASET",
    `dataset "${name}": line ${first.line} ${what}, so it is neither a header nor a sample.${looksLike} Delete that line (e.g. \`${tail}\`) or replace it with a header of ${columns} column names.`,
  );
}

function splitCsvRows(text: string, name: string): CsvRow[] {
  const rows: CsvRow[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    rows.push({ line: index + 1, cells: splitCsvLine(line, name, index + 1) });
  });
  return rows;
}

/** Splits one line on commas, honouring double-quoted cells ("a,b", with "" for a literal quote). */
function splitCsvLine(line: string, name: string, lineNumber: number): string[] {
  const cells: string[] = [];
  let position = 0;
  for (;;) {
    while (line[position] === " " || line[position] === "\t") position++;
    let cell: string;
    if (line[position] === '"') {
      cell = "";
      position++;
      for (;;) {
        const quote = line.indexOf('"', position);
        if (quote < 0) {
          throw new DeadweightError(
            "INVALID_DATASET",
            `dataset "${name}": line ${lineNumber}, column ${cells.length + 1} opens a quote that is not closed on the same line; quoted cells cannot span lines`,
          );
        }
        cell += line.slice(position, quote);
        position = quote + 1;
        if (line[position] !== '"') break;
        cell += '"';
        position++;
      }
      const comma = line.indexOf(",", position);
      const rest = line.slice(position, comma < 0 ? line.length : comma);
      if (rest.trim() !== "") {
        throw new DeadweightError(
          "INVALID_DATASET",
          `dataset "${name}": line ${lineNumber}, column ${cells.length + 1} has text after its closing quote; quote the whole cell`,
        );
      }
      cells.push(cell);
      if (comma < 0) return cells;
      position = comma + 1;
    } else {
      const comma = line.indexOf(",", position);
      cell = line.slice(position, comma < 0 ? line.length : comma).trim();
      cells.push(cell);
      if (comma < 0) return cells;
      position = comma + 1;
    }
  }
}

/** "column 3" or `column 3 ("petal_width")`, 1-based like spreadsheet tools. */
function columnLabel(column: number, header: readonly string[] | null): string {
  const title = header?.[column];
  return title === undefined || title === "" ? `column ${column + 1}` : `column ${column + 1} ("${title}")`;
}

function isNumberLike(cell: string): boolean {
  return DECIMAL.test(cell) || NON_FINITE.test(cell);
}

/** The label column index when it can be known before deciding about the header; null for a name. */
function resolveLabelIndexWithoutHeader(options: CsvDatasetOptions, columnCount: number): number | null {
  if (typeof options.labelColumn === "string") return null;
  return options.labelColumn ?? columnCount - 1;
}

function looksLikeHeader(rows: readonly CsvRow[], labelIndex: number | null): boolean {
  // Only a header can name the label column.
  if (labelIndex === null) return true;
  const first = (rows[0] as CsvRow).cells;
  const featureIsText = first.some((cell, column) => column !== labelIndex && cell !== "" && !isNumberLike(cell));
  if (featureIsText) return true;
  // Numeric feature names (pixel indices) over class names: the label cell tells, compared with the next row.
  const firstLabel = first[labelIndex] ?? "";
  const secondLabel = rows[1]?.cells[labelIndex];
  return !isNumberLike(firstLabel) && secondLabel !== undefined && isNumberLike(secondLabel);
}

function resolveLabelColumn(options: CsvDatasetOptions, header: readonly string[] | null, columnCount: number): number {
  const { labelColumn, name } = options;
  if (labelColumn === undefined) return columnCount - 1;
  if (typeof labelColumn === "number") {
    if (!Number.isInteger(labelColumn) || labelColumn < 0 || labelColumn >= columnCount) {
      throw new DeadweightError(
        "INVALID_OPTION",
        `dataset "${name}": labelColumn ${labelColumn} is not a column index; the CSV has ${columnCount} columns, indices 0..${columnCount - 1}`,
      );
    }
    return labelColumn;
  }
  if (header === null) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `dataset "${name}": labelColumn "${labelColumn}" is a column name but the CSV has no header row; pass a 0-based column index instead`,
    );
  }
  const index = header.indexOf(labelColumn);
  if (index < 0) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `dataset "${name}": labelColumn "${labelColumn}" is not in the header; the columns are ${header.map((cell) => `"${cell}"`).join(", ")}`,
    );
  }
  return index;
}

function parseFeatureCell(cell: string, name: string, line: number, column: string): number {
  if (cell === "") {
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset "${name}": line ${line}, ${column} is empty; every feature must be a finite number (fill or drop missing values first)`,
    );
  }
  if (NON_FINITE.test(cell)) {
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset "${name}": line ${line}, ${column} is NaN or infinite; every feature must be a finite number`,
    );
  }
  if (!DECIMAL.test(cell)) {
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset "${name}": line ${line}, ${column} is text, not a number; every feature must be numeric (encode categorical features first)`,
    );
  }
  const value = Number(cell);
  // Features are stored as float32: a finite double such as 1e39 would silently become Infinity.
  if (!Number.isFinite(Math.fround(value))) {
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset "${name}": line ${line}, ${column} is too large for a 32-bit float (beyond ±3.4e38); rescale the feature`,
    );
  }
  return value;
}

/** The fixed names, else the sorted union of all label texts when any is not a number, else null. */
function chooseClassNames(tables: readonly CsvTable[], fixed: readonly string[] | undefined): string[] | null {
  if (fixed !== undefined) return [...fixed];
  const cells = tables.flatMap((table) => table.labelCells);
  if (cells.every((cell) => DECIMAL.test(cell))) return null;
  return [...new Set(cells)].sort();
}

function mapLabels(table: CsvTable, classNames: readonly string[] | null): Int32Array {
  const { name, labelCells, rows, labelColumn } = table;
  const labels = new Int32Array(labelCells.length);
  if (classNames !== null) {
    const indexOf = new Map(classNames.map((className, index) => [className, index]));
    labelCells.forEach((cell, sample) => {
      const index = indexOf.get(cell);
      if (index === undefined) {
        throw new DeadweightError(
          "INVALID_DATASET",
          `dataset "${name}": line ${(rows[sample] as CsvRow).line}, ${labelColumn} has a label that is not one of the class names ${classNames.map((c) => `"${c}"`).join(", ")}`,
        );
      }
      labels[sample] = index;
    });
    return labels;
  }
  labelCells.forEach((cell, sample) => {
    const value = Number(cell);
    if (!Number.isInteger(value) || value < 0 || value > 2 ** 31 - 1) {
      throw new DeadweightError(
        "INVALID_DATASET",
        `dataset "${name}": line ${(rows[sample] as CsvRow).line}, ${labelColumn} has a numeric label that is not an integer 0..k-1; numeric labels must be integers 0..k-1 (use class names for anything else)`,
      );
    }
    labels[sample] = value;
  });
  return labels;
}

function chooseClassCount(
  tables: readonly CsvTable[],
  labelsPerTable: readonly Int32Array[],
  classNames: readonly string[] | null,
  classCount: number | undefined,
): number {
  let needed = classNames?.length ?? 0;
  for (const labels of labelsPerTable) for (const label of labels) needed = Math.max(needed, label + 1);
  if (classCount === undefined) return needed;
  const first = tables[0] as CsvTable;
  if (!Number.isInteger(classCount) || classCount < 2) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `dataset "${first.name}": classCount must be an integer >= 2, got ${classCount}`,
    );
  }
  if (classNames !== null && classNames.length > classCount) {
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset "${first.name}": ${first.labelColumn} has ${classNames.length} class names but classCount is ${classCount}; pass classCount >= ${classNames.length} or fix the labels`,
    );
  }
  tables.forEach((table, index) => {
    const labels = labelsPerTable[index] as Int32Array;
    const outside = labels.findIndex((label) => label >= classCount);
    if (outside >= 0) {
      throw new DeadweightError(
        "INVALID_DATASET",
        `dataset "${table.name}": line ${(table.rows[outside] as CsvRow).line}, ${table.labelColumn} has a label outside the class range 0..${classCount - 1} given by classCount ${classCount}; pass a classCount above the largest label, or fix the labels`,
      );
    }
  });
  return classCount;
}
