import type { BaseModelMetrics, PruningThreshold, SweepRow } from "@deadweight/core";
import { formatBytes } from "./format-bytes.js";

export interface ResultsTableOptions {
  /** ANSI colors (green Pareto rows); only when writing to a terminal that shows them. */
  readonly colors?: boolean;
}

type Align = "left" | "right";

interface Column {
  readonly header: string;
  readonly align: Align;
}

const COLUMNS: readonly Column[] = [
  { header: "threshold", align: "left" },
  { header: "kept neurons", align: "right" },
  { header: "val %", align: "right" },
  { header: "test %", align: "right" },
  { header: "test Δpp", align: "right" },
  { header: "params", align: "right" },
  { header: "size", align: "right" },
  { header: "params -%", align: "right" },
  { header: "neurons -%", align: "right" },
  { header: "µs/sample", align: "right" },
  { header: "*", align: "left" },
];

const GAP = "  ";
const GREEN = "\x1b[32m";
const BOLD = "\x1b[1m";
const DIM = "\x1b[2m";
const RESET = "\x1b[0m";

type Line =
  | { readonly kind: "cells"; readonly cells: string[]; readonly style?: string }
  | { readonly kind: "note"; readonly first: string; readonly note: string; readonly style?: string }
  | { readonly kind: "rule" };

/**
 * Renders the sweep as a fixed-width table: header, the base model, one line per threshold, then a legend.
 * Accuracies are expected in percent (0..100), as SweepRow documents.
 */
export function renderResultsTable(
  base: BaseModelMetrics,
  rows: readonly SweepRow[],
  options: ResultsTableOptions = {},
): string {
  const lines: Line[] = [
    { kind: "cells", cells: COLUMNS.map((c) => c.header), style: BOLD },
    { kind: "rule" },
    { kind: "cells", cells: baseCells(base) },
    { kind: "rule" },
  ];
  for (const row of rows) {
    if (row.status === "ok") {
      lines.push({ kind: "cells", cells: rowCells(row), ...(row.pareto ? { style: GREEN } : {}) });
    } else {
      const note = row.note ?? `${row.status}: no model for this threshold`;
      lines.push({ kind: "note", first: formatThreshold(row.threshold), note, style: DIM });
    }
  }

  const widths = COLUMNS.map((c) => c.header.length);
  for (const line of lines) {
    if (line.kind === "cells") {
      line.cells.forEach((cell, i) => {
        widths[i] = Math.max(widths[i] ?? 0, cell.length);
      });
    }
    // Notes span the numeric columns, so only their threshold text sizes a column.
    if (line.kind === "note") widths[0] = Math.max(widths[0] ?? 0, line.first.length);
  }
  const tableWidth = widths.reduce((sum, w) => sum + w, 0) + GAP.length * (widths.length - 1);

  const colors = options.colors === true;
  const text = lines.map((line) => {
    let plain: string;
    if (line.kind === "rule") plain = "-".repeat(tableWidth);
    else if (line.kind === "note") plain = `${line.first.padEnd(widths[0] ?? 0)}${GAP}${line.note}`;
    else plain = line.cells.map((cell, i) => pad(cell, widths[i] ?? 0, COLUMNS[i]?.align ?? "right")).join(GAP);
    plain = plain.trimEnd();
    const style = line.kind === "rule" ? undefined : line.style;
    return colors && style !== undefined ? `${style}${plain}${RESET}` : plain;
  });
  text.push(
    "* = on the validation-accuracy vs size Pareto frontier; test Δpp = test accuracy change vs base, in percentage points",
  );
  return text.join("\n");
}

function baseCells(base: BaseModelMetrics): string[] {
  return [
    "base (unpruned)",
    base.hiddenSizes.join("-"),
    percent(base.validationAccuracy),
    percent(base.testAccuracy),
    "",
    groupThousands(base.parameters),
    formatBytes(base.bytes),
    "",
    "",
    fixed(base.latencyMsPerSample * 1000, 1),
    "",
  ];
}

function rowCells(row: SweepRow): string[] {
  return [
    formatThreshold(row.threshold),
    row.keptNeurons.join("-"),
    percent(row.validationAccuracy),
    percent(row.testAccuracy),
    row.testAccuracyDrop === null ? "n/a" : signedPoints(-row.testAccuracyDrop),
    groupThousands(row.parameters),
    formatBytes(row.bytes),
    fixed(row.parameterReductionPercent, 1),
    fixed(row.neuronReductionPercent, 1),
    row.latencyMsPerSample === null ? "n/a" : fixed(row.latencyMsPerSample * 1000, 1),
    row.pareto ? "*" : "",
  ];
}

/** A threshold as the tables show it: "mean 0.1 / std 0.4", "keep 50% by std". */
export function formatThreshold(threshold: PruningThreshold): string {
  switch (threshold.kind) {
    case "meanStd":
      return `mean ${num(threshold.mean)} / std ${num(threshold.std)}`;
    case "stdFold":
      return `fold std ${num(threshold.std)}`;
    case "apoz":
      return `apoz >= ${num(threshold.apoz)}`;
    case "rank":
      return `keep ${num(threshold.keepFraction * 100)}% by ${threshold.score}`;
  }
}

function num(value: number): string {
  // Sweep grids are often built by repeated addition; 0.30000000000000004 should read "0.3".
  return String(Number(value.toFixed(6)));
}

/** Accuracies are fractions; the table shows them in percent. */
function percent(fraction: number | null): string {
  return fraction === null ? "n/a" : (fraction * 100).toFixed(2);
}

function fixed(value: number | null, decimals: number): string {
  return value === null ? "n/a" : value.toFixed(decimals);
}

function signedPoints(change: number): string {
  const text = change.toFixed(2);
  // "-0.00" or "+0.00" would suggest a change the rounding hides.
  if (Number(text) === 0) return "0.00";
  return change > 0 ? `+${text}` : text;
}

function groupThousands(n: number): string {
  // Not toLocaleString: the table must not change with the machine's locale.
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function pad(cell: string, width: number, align: Align): string {
  return align === "left" ? cell.padEnd(width) : cell.padStart(width);
}
