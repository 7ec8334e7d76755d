"use client";

import type { ECharts } from "echarts/core";
import { useRouter } from "next/navigation";
import { memo, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { EChart } from "@/components/charts/echart";
import { formatBytes, formatCount } from "@/lib/format";
import type { RunComparison } from "@/lib/router-outputs";
import { RunLegend } from "./run-legend";

export interface OverlayChartProps {
  /** Frontier points, or every point when the reader asked for them (`comparison.points`). */
  readonly comparison: RunComparison;
  readonly labels: ReadonlyMap<string, string>;
  readonly baseline: string | null;
  readonly projectId: string;
}

/**
 * Above this many drawn points the symbols go (lines stay; the baseline keeps its own): in headless
 * chromium here, 200 frontiers of 15 points took ~3x as long to draw with a symbol per point.
 */
const SYMBOL_LIMIT = 600;
/**
 * From this many runs the legend is an HTML list beside the chart (see RunLegend), with "all" and
 * "invert"; below, ECharts' own legend above it.
 */
const HTML_LEGEND_FROM = 12;
const CHART_HEIGHT = { withHtmlLegend: 520, withChartLegend: 440 };
/** ECharts' default palette (echarts/lib/visual/tokens.js), set explicitly so the HTML legend shows each series' color. */
const PALETTE = ["#5070dd", "#b6d634", "#505372", "#ff994d", "#0ca8df", "#ffd10a", "#fb628b", "#785db0", "#3fbe95"];

/** The one series that holds every measured point of every run when all points are shown. */
const EVERY_POINT_SERIES = "every-point";

/**
 * Every run's trade-off curve on one chart: test accuracy against size along its Pareto frontier;
 * the baseline drawn thick and dashed. With all points, every measured row is added as one large
 * scatter series (ECharts' `large` mode draws thousands of points as one path, progressively).
 */
export const OverlayChart = memo(function OverlayChart({ comparison, labels, baseline, projectId }: OverlayChartProps) {
  const router = useRouter();
  const chart = useRef<ECharts | null>(null);
  const htmlLegend = comparison.series.length >= HTML_LEGEND_FROM;
  // Runs hidden through the HTML legend, by series name. Kept across redraws (a new baseline, all points).
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set());
  const hiddenNow = useRef(hidden);
  hiddenNow.current = hidden;
  const names = useMemo(
    () => comparison.series.map((entry) => labels.get(entry.runId) ?? entry.runId),
    [comparison.series, labels],
  );
  const bytes = comparison.size === "bytes";
  const drawn = comparison.series.reduce((sum, entry) => sum + entry.points.sizes.length, 0);
  // Which run and which of its points each point of the every-point series is.
  const everyPoint = useMemo(() => {
    const run: number[] = [];
    const point: number[] = [];
    if (comparison.points === "all") {
      for (const [r, entry] of comparison.series.entries()) {
        for (let i = 0; i < entry.points.sizes.length; i++) {
          run.push(r);
          point.push(i);
        }
      }
    }
    return { run, point };
  }, [comparison]);
  const option = useMemo(() => {
    const formatSize = (value: number) => (bytes ? formatBytes(value) : formatCount(value));
    const showSymbol = drawn <= SYMBOL_LIMIT;
    const frontierOf = (points: RunComparison["series"][number]["points"]) =>
      points.onFrontier === null
        ? points.sizes.map((_, i) => i)
        : points.sizes.flatMap((_, i) => (points.onFrontier?.[i] ? [i] : []));
    const lines = comparison.series.map((entry, r) => {
      const isBaseline = entry.runId === baseline;
      const { sizes, testAccuracies } = entry.points;
      return {
        id: entry.runId,
        name: names[r] ?? entry.runId,
        type: "line",
        // Plain [x, y] pairs: no object per point to build or for ECharts to walk.
        data: frontierOf(entry.points).map((i) => [sizes[i] ?? 0, (testAccuracies[i] ?? 0) * 100, i]),
        showSymbol: showSymbol || isBaseline,
        symbolSize: isBaseline ? 8 : 4,
        // A click on (or hover over) the line itself names and opens the run, since symbols may be hidden.
        triggerLineEvent: true,
        // No `sampling`: a frontier has at most one point per measured threshold (~30), far fewer than
        // pixels, so downsampling never dropped a point and only added a data task per run.
        z: isBaseline ? 10 : 2,
        lineStyle: isBaseline ? { width: 4, type: "dashed" } : { width: 1.5 },
        emphasis: { focus: "series" },
      };
    });
    const series =
      comparison.points === "all"
        ? [
            ...lines,
            {
              id: EVERY_POINT_SERIES,
              name: "every point",
              type: "scatter",
              large: true,
              largeThreshold: 500,
              progressive: 2_000,
              symbolSize: 4,
              z: 1,
              itemStyle: { color: "rgba(90, 90, 90, 0.35)" },
              data: everyPoint.run.map((r, k) => {
                const points = comparison.series[r]?.points;
                const i = everyPoint.point[k] ?? 0;
                return [points?.sizes[i] ?? 0, (points?.testAccuracies[i] ?? 0) * 100];
              }),
            },
          ]
        : lines;
    /** The run and point behind a chart event (series index, data index). */
    const pointAt = (seriesIndex: number, dataIndex: number | undefined, value: unknown) => {
      if (seriesIndex === lines.length) {
        const r = everyPoint.run[dataIndex ?? -1];
        return r === undefined ? null : { run: r, point: everyPoint.point[dataIndex ?? -1] };
      }
      // A line's data carries each point's index in its run's columns as a third value.
      return { run: seriesIndex, point: Array.isArray(value) ? (value[2] as number) : undefined };
    };
    return {
      // Animating 200 series costs frames and tells nothing.
      animation: false,
      color: PALETTE,
      // The HTML legend needs ECharts' legend to exist (it keeps which series are selected), not drawn.
      legend: htmlLegend
        ? {
            show: false,
            // The runs only: "invert" must not hide the every-point series.
            data: names,
            selected: Object.fromEntries([...hiddenNow.current].map((name) => [name, false])),
          }
        : { type: "scroll", top: 0 },
      grid: { left: 60, right: 30, top: htmlLegend ? 20 : 50, bottom: 70 },
      tooltip: {
        trigger: "item",
        formatter: (params: { seriesIndex: number; dataIndex?: number; value?: unknown; seriesName: string }) => {
          const at = pointAt(params.seriesIndex, params.dataIndex, params.value);
          const entry = at === null ? undefined : comparison.series[at.run];
          const name = entry === undefined ? params.seriesName : (labels.get(entry.runId) ?? entry.runId);
          const points = entry?.points;
          const i = at?.point;
          if (points === undefined || i === undefined || points.sizes[i] === undefined)
            return `<b>${name}</b><br/>click to open the run`;
          return `<b>${name}</b><br/>${points.rowKeys[i]}<br/>${formatSize(points.sizes[i] ?? 0)} · test ${((points.testAccuracies[i] ?? 0) * 100).toFixed(2)}% · validation ${((points.validationAccuracies[i] ?? 0) * 100).toFixed(2)}%<br/>click to open the run`;
        },
      },
      // No data shadow in the slider: drawing it from the first series cost ~100 ms at 200 runs.
      dataZoom: [{ type: "inside" }, { type: "slider", bottom: 10, showDataShadow: false }],
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
  }, [comparison, labels, names, baseline, bytes, drawn, everyPoint, htmlLegend]);

  const legendEntries = useMemo(
    () => names.map((name, r) => ({ name, color: PALETTE[r % PALETTE.length] ?? "#000" })),
    [names],
  );
  // Which runs are hidden is ECharts' answer to each legend action (its events carry the selection),
  // so the list's checkboxes show what the chart draws.
  useEffect(() => {
    const instance = chart.current;
    if (instance === null) return;
    const follow = (event: unknown) => {
      const selected = (event as { selected?: Record<string, boolean> }).selected ?? {};
      setHidden(new Set(Object.keys(selected).filter((name) => selected[name] === false)));
    };
    const events = ["legendselectchanged", "legendselectall", "legendinverseselect"];
    for (const name of events) instance.on(name, follow);
    return () => {
      for (const name of events) instance.off(name, follow);
    };
  }, []);
  const toggle = useCallback((name: string) => chart.current?.dispatchAction({ type: "legendToggleSelect", name }), []);
  const showAll = useCallback(() => chart.current?.dispatchAction({ type: "legendAllSelect" }), []);
  const invert = useCallback(() => chart.current?.dispatchAction({ type: "legendInverseSelect" }), []);

  const height = htmlLegend ? CHART_HEIGHT.withHtmlLegend : CHART_HEIGHT.withChartLegend;
  const drawing = (
    <EChart
      option={option}
      height={height}
      instanceRef={chart}
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
        const runId =
          click.seriesId === EVERY_POINT_SERIES
            ? comparison.series[everyPoint.run[click.dataIndex] ?? -1]?.runId
            : click.seriesId;
        if (runId !== undefined) router.push(`/projects/${projectId}/runs/${runId}`);
      }}
    />
  );
  if (!htmlLegend) return drawing;
  return (
    <div style={{ display: "flex", gap: 12 }}>
      <div style={{ flex: 1, minWidth: 0 }}>{drawing}</div>
      <RunLegend
        entries={legendEntries}
        hidden={hidden}
        height={height}
        onToggle={toggle}
        onShowAll={showAll}
        onInvert={invert}
      />
    </div>
  );
});
