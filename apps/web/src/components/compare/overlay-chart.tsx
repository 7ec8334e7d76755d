"use client";

import { useRouter } from "next/navigation";
import { useMemo } from "react";
import { EChart } from "@/components/charts/echart";
import { formatBytes, formatCount } from "@/lib/format";
import type { RunComparison } from "@/lib/router-outputs";

export interface OverlayChartProps {
  /** Frontier points, or every point when the reader asked for them (`comparison.points`). */
  readonly comparison: RunComparison;
  readonly labels: ReadonlyMap<string, string>;
  readonly baseline: string | null;
  readonly projectId: string;
}

/** Above this many drawn points the symbols go (lines stay): thousands of symbols cost more than they show. */
const SYMBOL_LIMIT = 3_000;
/** Above this many runs the legend moves to a scrolling column on the right, with select-all and invert. */
const COLUMN_LEGEND_FROM = 12;

/** Every run's trade-off curve on one chart: test accuracy against size; the baseline drawn thick and dashed. */
export function OverlayChart({ comparison, labels, baseline, projectId }: OverlayChartProps) {
  const router = useRouter();
  const bytes = comparison.size === "bytes";
  const drawn = comparison.series.reduce((sum, entry) => sum + entry.points.sizes.length, 0);
  const option = useMemo(() => {
    const formatSize = (value: number) => (bytes ? formatBytes(value) : formatCount(value));
    const showSymbol = drawn <= SYMBOL_LIMIT;
    const columnLegend = comparison.series.length >= COLUMN_LEGEND_FROM;
    const series = comparison.series.map((entry) => {
      const isBaseline = entry.runId === baseline;
      const { sizes, testAccuracies } = entry.points;
      return {
        id: entry.runId,
        name: labels.get(entry.runId) ?? entry.runId,
        type: "line",
        // Plain [x, y] pairs: no object per point to build or for ECharts to walk.
        data: sizes.map((size, i) => [size, (testAccuracies[i] ?? 0) * 100]),
        showSymbol: showSymbol || isBaseline,
        symbolSize: isBaseline ? 8 : 4,
        // A click on the line itself opens the run too, since symbols may be hidden.
        triggerLineEvent: true,
        sampling: "lttb",
        z: isBaseline ? 10 : 2,
        lineStyle: isBaseline ? { width: 4, type: "dashed" } : { width: 1.5 },
        emphasis: { focus: "series" },
      };
    });
    return {
      // Animating 200 series costs frames and tells nothing.
      animation: false,
      legend: columnLegend
        ? {
            type: "scroll",
            orient: "vertical",
            right: 0,
            top: 10,
            bottom: 10,
            selector: [
              { type: "all", title: "all" },
              { type: "inverse", title: "invert" },
            ],
            textStyle: { width: 180, overflow: "truncate" },
          }
        : { type: "scroll", top: 0 },
      grid: { left: 60, right: columnLegend ? 250 : 30, top: columnLegend ? 20 : 50, bottom: 70 },
      tooltip: {
        trigger: "item",
        formatter: (params: { seriesIndex: number; dataIndex?: number; seriesName: string }) => {
          const points = comparison.series[params.seriesIndex]?.points;
          const i = params.dataIndex;
          if (points === undefined || i === undefined || points.sizes[i] === undefined)
            return `<b>${params.seriesName}</b><br/>click to open the run`;
          return `<b>${params.seriesName}</b><br/>${points.rowKeys[i]}<br/>${formatSize(points.sizes[i] ?? 0)} · test ${((points.testAccuracies[i] ?? 0) * 100).toFixed(2)}% · validation ${((points.validationAccuracies[i] ?? 0) * 100).toFixed(2)}%<br/>click to open the run`;
        },
      },
      dataZoom: [{ type: "inside" }, { type: "slider", bottom: 10 }],
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
  }, [comparison, labels, baseline, bytes, drawn]);

  return (
    <EChart
      option={option}
      height={comparison.series.length >= COLUMN_LEGEND_FROM ? 520 : 440}
      label={`Test accuracy against ${comparison.size} for ${comparison.series.length} runs (${comparison.points === "all" ? "every point" : "Pareto frontiers"})`}
      testId="overlay-chart"
      dataAttributes={{
        "data-series": comparison.series.length,
        "data-points": drawn,
        "data-points-shown": comparison.points,
        "data-baseline": baseline ?? "",
      }}
      onPointClick={(click) => {
        if (click.seriesId !== undefined) router.push(`/projects/${projectId}/runs/${click.seriesId}`);
      }}
    />
  );
}
