"use client";

import { CustomChart } from "echarts/charts";
import { useRouter } from "next/navigation";
import { memo, useCallback, useMemo, useState } from "react";
import { EChart } from "@/components/charts/echart";
import { echarts } from "@/components/charts/echarts-setup";
import { formatBytes, formatCount } from "@/lib/format";
import type { RunComparison } from "@/lib/router-outputs";
import { frontierLines, ROW, WHOLE_LINE } from "./frontier-lines";
import { RunLegend } from "./run-legend";

export interface OverlayChartProps {
  /** Frontier points, or every point when the reader asked for them (`comparison.points`). */
  readonly comparison: RunComparison;
  readonly labels: ReadonlyMap<string, string>;
  readonly baseline: string | null;
  readonly projectId: string;
}

// The frontiers' series type; only this page draws with it (~25 KB that the other pages' chunk need not carry).
echarts.use([CustomChart]);

/**
 * Above this many drawn points the symbols go (lines stay; the baseline keeps its own): in headless
 * chromium, 200 frontiers of 15 points took ~3x as long to draw with a symbol per point.
 */
const SYMBOL_LIMIT = 600;
const CHART_HEIGHT = 480;
/** ECharts' default palette (echarts/lib/visual/tokens.js), set explicitly so the HTML legend shows each run's color. */
const PALETTE = ["#5070dd", "#b6d634", "#505372", "#ff994d", "#0ca8df", "#ffd10a", "#fb628b", "#785db0", "#3fbe95"];
const colorOf = (run: number) => PALETTE[run % PALETTE.length] ?? "#000";

/** The series that draws every run's frontier (one custom series: see frontierLines). */
const FRONTIERS_SERIES = "frontiers";
/** The pinned baseline's own line series, drawn thick and dashed over the others. */
const BASELINE_SERIES = "baseline";
/** The one series that holds every measured point of every run when all points are shown. */
const EVERY_POINT_SERIES = "every-point";

/** A zrender element as a custom series' renderItem returns it. */
type DrawnElement = Record<string, unknown>;
interface RenderApi {
  value(dimension: number): number | string;
  coord(point: readonly [number, number]): number[];
}

/**
 * Every run's trade-off curve on one chart: test accuracy against size along its Pareto frontier; the
 * baseline drawn thick and dashed. The runs' lines are one custom series (frontierLines); the legend
 * is an HTML list beside the chart (RunLegend), whose hidden runs are left out of the series. With all
 * points, every measured row is added as one large scatter series (ECharts' `large` mode draws
 * thousands of points as one path, progressively).
 */
export const OverlayChart = memo(function OverlayChart({ comparison, labels, baseline, projectId }: OverlayChartProps) {
  const router = useRouter();
  // Runs hidden through the legend, by run id. Kept across redraws (a new baseline, all points).
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set());
  const names = useMemo(
    () => comparison.series.map((entry) => labels.get(entry.runId) ?? entry.runId),
    [comparison.series, labels],
  );
  const bytes = comparison.size === "bytes";
  const drawn = comparison.series.reduce((sum, entry) => sum + entry.points.sizes.length, 0);
  const baselineRun = comparison.series.findIndex((entry) => entry.runId === baseline);
  const option = useMemo(() => {
    const formatSize = (value: number) => (bytes ? formatBytes(value) : formatCount(value));
    const leftOut = new Set(hidden);
    if (baseline !== null) leftOut.add(baseline);
    const lines = frontierLines(comparison.series, { leftOut, withPoints: drawn <= SYMBOL_LIMIT });
    const renderItem = (_params: unknown, api: RenderApi): DrawnElement => {
      const run = Number(api.value(ROW.run));
      const runPoints = lines.pointsByRun[run] ?? [];
      // A line of one point would draw nothing: that run is drawn as its point, symbols or not.
      if (Number(api.value(ROW.point)) === WHOLE_LINE && runPoints.length > 1) {
        return {
          type: "polyline",
          shape: { points: runPoints.map(([size, accuracy]) => api.coord([size, accuracy])) },
          style: { stroke: colorOf(run), lineWidth: 1.5, fill: null },
          emphasis: { style: { lineWidth: 3 } },
        };
      }
      const [x = 0, y = 0] = api.coord([Number(api.value(ROW.sizeMin)), Number(api.value(ROW.accuracyMin))]);
      return { type: "circle", shape: { cx: x, cy: y, r: 2 }, style: { fill: colorOf(run) } };
    };
    const series: Record<string, unknown>[] = [
      {
        id: FRONTIERS_SERIES,
        name: "frontiers",
        type: "custom",
        data: lines.rows,
        encode: { x: [ROW.sizeMin, ROW.sizeMax], y: [ROW.accuracyMin, ROW.accuracyMax] },
        renderItem,
        // A line runs past the zoomed window: drawn whole, cut at the grid's edge.
        clip: true,
        z: 2,
      },
    ];
    if (baselineRun >= 0 && baseline !== null && !hidden.has(baseline)) {
      series.push({
        id: BASELINE_SERIES,
        name: names[baselineRun] ?? baseline,
        type: "line",
        data: lines.pointsByRun[baselineRun] ?? [],
        color: colorOf(baselineRun),
        symbolSize: 8,
        triggerLineEvent: true,
        z: 10,
        lineStyle: { width: 4, type: "dashed" },
      });
    }
    if (comparison.points === "all") {
      const every: number[][] = [];
      for (const [run, entry] of comparison.series.entries()) {
        const { sizes, testAccuracies } = entry.points;
        for (const [i, size] of sizes.entries()) every.push([size, (testAccuracies[i] ?? 0) * 100, run, i]);
      }
      series.push({
        id: EVERY_POINT_SERIES,
        name: "every point",
        type: "scatter",
        large: true,
        largeThreshold: 500,
        progressive: 2_000,
        symbolSize: 4,
        z: 1,
        itemStyle: { color: "rgba(90, 90, 90, 0.35)" },
        data: every,
      });
    }
    return {
      // Animating 200 runs costs frames and tells nothing.
      animation: false,
      grid: { left: 60, right: 30, top: 20, bottom: 70 },
      tooltip: {
        trigger: "item",
        formatter: (params: { seriesId?: string; value?: unknown }) => {
          const at = pointOf(params.seriesId, params.value, baselineRun);
          const entry = at === null ? undefined : comparison.series[at.run];
          if (at === null || entry === undefined) return "";
          const name = names[at.run] ?? entry.runId;
          const points = entry.points;
          const i = at.point;
          if (i === WHOLE_LINE || points.sizes[i] === undefined) return `<b>${name}</b><br/>click to open the run`;
          return `<b>${name}</b><br/>${points.rowKeys[i]}<br/>${formatSize(points.sizes[i] ?? 0)} · test ${((points.testAccuracies[i] ?? 0) * 100).toFixed(2)}% · validation ${((points.validationAccuracies[i] ?? 0) * 100).toFixed(2)}%<br/>click to open the run`;
        },
      },
      // No data shadow in the slider: drawing it from the first series cost ~100 ms at 200 runs.
      // weakFilter: a run's line (a row spanning all its sizes) stays while any of it is in the window.
      dataZoom: [
        { type: "inside", filterMode: "weakFilter" },
        { type: "slider", bottom: 10, showDataShadow: false, filterMode: "weakFilter" },
      ],
      xAxis: {
        type: "value",
        name: bytes ? "size (bytes)" : "parameters",
        nameLocation: "middle",
        nameGap: 28,
        axisLabel: { formatter: formatSize },
      },
      yAxis: { type: "value", name: "test accuracy (%)", scale: true },
      series,
    };
  }, [comparison, names, baseline, baselineRun, bytes, drawn, hidden]);

  const legendEntries = useMemo(
    () => comparison.series.map((entry, r) => ({ key: entry.runId, name: names[r] ?? entry.runId, color: colorOf(r) })),
    [comparison.series, names],
  );
  const toggle = useCallback(
    (runId: string) =>
      setHidden((now) => {
        const next = new Set(now);
        if (!next.delete(runId)) next.add(runId);
        return next;
      }),
    [],
  );
  const showAll = useCallback(() => setHidden(new Set()), []);
  const invert = useCallback(
    () => setHidden((now) => new Set(comparison.series.map((entry) => entry.runId).filter((runId) => !now.has(runId)))),
    [comparison.series],
  );

  return (
    <div style={{ display: "flex", gap: 12 }}>
      <div style={{ flex: 1, minWidth: 0 }}>
        <EChart
          option={option}
          height={CHART_HEIGHT}
          label={`Test accuracy against ${comparison.size} for ${comparison.series.length} runs (${comparison.points === "all" ? "every point" : "Pareto frontiers"})`}
          testId="overlay-chart"
          dataAttributes={{
            "data-series": comparison.series.length,
            "data-points": drawn,
            "data-points-shown": comparison.points,
            "data-baseline": baseline ?? "",
            "data-hidden-series": hidden.size,
          }}
          onPointClick={(click) => {
            const at = pointOf(click.seriesId, click.data, baselineRun);
            const runId = at === null ? undefined : comparison.series[at.run]?.runId;
            if (runId !== undefined) router.push(`/projects/${projectId}/runs/${runId}`);
          }}
        />
      </div>
      <RunLegend
        entries={legendEntries}
        hidden={hidden}
        height={CHART_HEIGHT}
        onToggle={toggle}
        onShowAll={showAll}
        onInvert={invert}
      />
    </div>
  );
});

/**
 * The run (its index in the comparison) and its point (index in its columns, or WHOLE_LINE) behind a
 * hovered or clicked element of the chart, from the element's series and data.
 */
function pointOf(
  seriesId: string | undefined,
  value: unknown,
  baselineRun: number,
): { run: number; point: number } | null {
  if (!Array.isArray(value)) return null;
  const column = (i: number) => Number(value[i]);
  if (seriesId === FRONTIERS_SERIES) return { run: column(ROW.run), point: column(ROW.point) };
  // [size, accuracy, run, index]
  if (seriesId === EVERY_POINT_SERIES) return { run: column(2), point: column(3) };
  // A DrawnPoint: [size, accuracy, index]; the line itself (no point) when hovered between symbols.
  if (seriesId === BASELINE_SERIES && baselineRun >= 0) return { run: baselineRun, point: column(2) };
  return null;
}
