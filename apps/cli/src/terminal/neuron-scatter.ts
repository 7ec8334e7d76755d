import type { LayerActivationStats } from "@deadweight/core";

export interface NeuronScatterOptions {
  /** Plot columns, border included; default 60. */
  readonly width?: number;
  /** Plot rows, border included; default 16. */
  readonly height?: number;
  /** The meanStd prune box: neurons with |mean| <= mean and std <= std would be removed. */
  readonly threshold?: { readonly mean: number; readonly std: number };
}

/** Density ramps, sparse to dense; the box gets its own ramp so pruned cells read differently at a glance. */
const OUTSIDE_RAMP = Array.from(" .:-=+*#%@");
const INSIDE_RAMP = Array.from(" ░▒▓█");

interface Axis {
  readonly max: number;
  readonly ticks: readonly number[];
  readonly decimals: number;
}

/**
 * Renders a layer's neurons as an ASCII density plot of std (y) against |mean| (x), with the prune box
 * drawn in, so a user can see where a threshold cuts the distribution before running the sweep.
 */
export function renderNeuronScatter(
  layer: Pick<LayerActivationStats, "layerIndex" | "neurons">,
  options: NeuronScatterOptions = {},
): string {
  const name = `hidden layer ${layer.layerIndex + 1}`;
  if (layer.neurons.length === 0) return `${name} has no neurons`;

  const t = options.threshold;
  const points = layer.neurons.map((n) => ({ x: Math.abs(n.mean), y: Math.max(0, n.std) }));
  const isInside = (p: { x: number; y: number }): boolean => t !== undefined && p.x <= t.mean && p.y <= t.std;
  const insideCount = points.filter(isInside).length;

  // The box is part of the range so its border is on screen even when it encloses every neuron.
  const xAxis = niceAxis(
    points.reduce((m, p) => Math.max(m, p.x), t?.mean ?? 0),
    4,
  );
  const yAxis = niceAxis(
    points.reduce((m, p) => Math.max(m, p.y), t?.std ?? 0),
    4,
  );
  const border = t === undefined ? 0 : 1;
  const cols = Math.max(4, Math.floor(options.width ?? 60)) - border;
  const rows = Math.max(3, Math.floor(options.height ?? 16)) - border;

  // The border sits on the cell edge nearest the threshold; at least one cell on each side that has neurons.
  const anyOutsideByMean = t !== undefined && points.some((p) => p.x > t.mean);
  const anyOutsideByStd = t !== undefined && points.some((p) => p.y > t.std);
  const k =
    t === undefined ? cols : clamp(Math.round((t.mean / xAxis.max) * cols), 1, anyOutsideByMean ? cols - 1 : cols);
  const r =
    t === undefined ? rows : clamp(Math.round((t.std / yAxis.max) * rows), 1, anyOutsideByStd ? rows - 1 : rows);

  const counts = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  for (const p of points) {
    let col = cellIndex(p.x, xAxis.max, cols);
    let row = cellIndex(p.y, yAxis.max, rows);
    // Snapping the border to a cell edge must not put a neuron on the wrong side of it.
    if (t !== undefined) {
      if (isInside(p)) {
        col = Math.min(col, k - 1);
        row = Math.min(row, r - 1);
      } else {
        if (p.x > t.mean) col = Math.max(col, k);
        if (p.y > t.std) row = Math.max(row, r);
      }
    }
    const countRow = counts[row]!;
    countRow[col] = (countRow[col] ?? 0) + 1;
  }
  const maxCount = counts.flat().reduce((m, c) => Math.max(m, c), 0);

  const yLabels = new Map<number, string>();
  for (const v of tickOrder(yAxis.ticks)) {
    const row = cellIndex(v, yAxis.max, rows);
    if (!yLabels.has(row)) yLabels.set(row, tickLabel(v, yAxis.decimals));
  }
  const labelWidth = Math.max(3, ...[...yLabels.values()].map((l) => l.length));
  const margin = " ".repeat(labelWidth + 1);

  const lines: string[] = [title(name, points.length, t, insideCount), `${"std".padStart(labelWidth)}`];
  for (let row = rows - 1; row >= 0; row--) {
    if (t !== undefined && row === r - 1) {
      lines.push(`${margin}├${"-".repeat(k)}+`);
    }
    let cells = "";
    for (let col = 0; col < cols; col++) {
      if (t !== undefined && col === k) cells += row < r ? "|" : " ";
      const inside = t !== undefined && col < k && row < r;
      cells += densityChar(counts[row]?.[col] ?? 0, maxCount, inside ? INSIDE_RAMP : OUTSIDE_RAMP);
    }
    if (t !== undefined && k === cols) cells += row < r ? "|" : " ";
    const label = yLabels.get(row);
    lines.push(`${(label ?? "").padStart(labelWidth)} ${label === undefined ? "│" : "┤"}${cells}`.trimEnd());
  }

  const plotWidth = cols + border;
  const displayCol = (col: number): number => col + (t !== undefined && col >= k ? 1 : 0);
  const axis = new Array<string>(plotWidth).fill("─");
  if (t !== undefined) axis[k] = "┴";
  const xLabels = new Array<string>(plotWidth + 8).fill(" ");
  const taken = new Array<boolean>(plotWidth + 8).fill(false);
  for (const v of tickOrder(xAxis.ticks)) {
    const at = displayCol(cellIndex(v, xAxis.max, cols));
    axis[at] = axis[at] === "┴" ? "┼" : "┬";
    const text = tickLabel(v, xAxis.decimals);
    const start = v === 0 ? at : v === xAxis.max ? at - text.length + 1 : at - Math.floor(text.length / 2);
    placeLabel(xLabels, taken, Math.max(0, start), text);
  }
  lines.push(`${margin}└${axis.join("")}`);
  lines.push(`${margin} ${xLabels.join("").trimEnd()}  |mean|`);
  lines.push(legend(t !== undefined));
  return lines.join("\n");
}

function title(name: string, count: number, t: NeuronScatterOptions["threshold"], insideCount: number): string {
  const head = `${name}: ${count} ${count === 1 ? "neuron" : "neurons"}`;
  if (t === undefined) return head;
  return `${head}, ${insideCount} inside mean<=${num(t.mean)}, std<=${num(t.std)}`;
}

function legend(withBox: boolean): string {
  const outside = `neurons per cell, log scale, few to many: "${OUTSIDE_RAMP.slice(1).join("")}"`;
  if (!withBox) return outside;
  return `${outside}; inside the box (would be pruned): "${INSIDE_RAMP.slice(1).join("")}"`;
}

function niceAxis(dataMax: number, intervals: number): Axis {
  // All-zero data (e.g. every neuron dead) still needs a non-empty range to draw on.
  const max = dataMax > 0 ? dataMax : 1;
  const raw = max / intervals;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalized = raw / magnitude;
  const step = (normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 5 ? 5 : 10) * magnitude;
  const n = Math.max(1, Math.ceil(max / step - 1e-9));
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const ticks = Array.from({ length: n + 1 }, (_, i) => Number((i * step).toFixed(decimals)));
  return { max: ticks[n] ?? max, ticks, decimals };
}

function tickOrder(ticks: readonly number[]): number[] {
  // The ends are labelled first so they survive when a short axis has room for few labels.
  const last = ticks[ticks.length - 1];
  const ends = last === undefined ? [0] : [0, last];
  return [...ends, ...ticks.slice(1, -1)];
}

function tickLabel(value: number, decimals: number): string {
  return value === 0 ? "0" : value.toFixed(decimals);
}

function cellIndex(value: number, max: number, cells: number): number {
  // The epsilon keeps tick values such as 0.6 of 0.8 from landing one cell low through float error.
  return clamp(Math.floor((value / max) * cells + 1e-9), 0, cells - 1);
}

function densityChar(count: number, maxCount: number, ramp: readonly string[]): string {
  if (count === 0) return ramp[0] ?? " ";
  const level = maxCount <= 1 ? 1 : Math.log(count) / Math.log(maxCount);
  return ramp[1 + Math.round(level * (ramp.length - 2))] ?? "?";
}

function placeLabel(line: string[], taken: boolean[], start: number, text: string): void {
  const end = start + text.length;
  if (end > line.length) return;
  // One free column either side, so neighbouring labels never run together into one number.
  for (let i = Math.max(0, start - 1); i < Math.min(line.length, end + 1); i++) if (taken[i]) return;
  for (let i = 0; i < text.length; i++) {
    line[start + i] = text[i] ?? " ";
    taken[start + i] = true;
  }
}

function num(value: number): string {
  return String(Number(value.toFixed(6)));
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
