"use client";

import { useRouter } from "next/navigation";
import { useMemo } from "react";
import { EChart } from "@/components/charts/echart";
import { formatBytes, formatCount } from "@/lib/format";
import type { RunComparison } from "@/lib/router-outputs";

export interface OverlayChartProps {
  readonly comparison: RunComparison;
  readonly labels: ReadonlyMap<string, string>;
  readonly frontierOnly: boolean;
  readonly baseline: string | null;
  readonly projectId: string;
}

/** Every run's trade-off curve on one chart: test accuracy against size; the baseline drawn thick and dashed. */
export function OverlayChart({ comparison, labels, frontierOnly, baseline, projectId }: OverlayChartProps) {
  const router = useRouter();
  const bytes = comparison.size === "bytes";
  const option = useMemo(() => {
    const formatSize = (value: number) => (bytes ? formatBytes(value) : formatCount(value));
    const series = comparison.series.map((entry) => {
      const label = labels.get(entry.runId) ?? entry.runId;
      const points = frontierOnly ? entry.points.filter((point) => point.onFrontier) : entry.points;
      const isBaseline = entry.runId === baseline;
      return {
        id: entry.runId,
        name: label,
        type: "line",
        showSymbol: true,
        symbolSize: isBaseline ? 8 : 5,
        z: isBaseline ? 10 : 2,
        lineStyle: isBaseline ? { width: 4, type: "dashed" } : { width: 1.5 },
        // Sorted by size: a curve, not a zigzag, even when all points are drawn.
        data: [...points]
          .sort((a, b) => a.size - b.size)
          .map((point) => ({
            value: [point.size, point.testAccuracy * 100],
            rowKey: point.rowKey,
            runId: entry.runId,
            validation: point.validationAccuracy,
          })),
      };
    });
    return {
      animation: false,
      legend: { type: "scroll", top: 0 },
      grid: { left: 60, right: 30, top: 50, bottom: 70 },
      tooltip: {
        trigger: "item",
        formatter: (params: {
          seriesName: string;
          data: { value: [number, number]; rowKey: string; validation: number };
        }) =>
          `<b>${params.seriesName}</b><br/>${params.data.rowKey}<br/>${formatSize(params.data.value[0])} · test ${params.data.value[1].toFixed(2)}% · validation ${(params.data.validation * 100).toFixed(2)}%<br/>click to open the run`,
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
  }, [comparison, labels, frontierOnly, baseline, bytes]);

  const drawn = comparison.series.reduce(
    (sum, entry) =>
      sum + (frontierOnly ? entry.points.filter((point) => point.onFrontier).length : entry.points.length),
    0,
  );
  return (
    <EChart
      option={option}
      height={440}
      label={`Test accuracy against ${comparison.size} for ${comparison.series.length} runs`}
      testId="overlay-chart"
      dataAttributes={{ "data-series": comparison.series.length, "data-points": drawn }}
      onPointClick={(click) => {
        const runId = (click.data as { runId?: string } | undefined)?.runId;
        if (runId !== undefined) router.push(`/projects/${projectId}/runs/${runId}`);
      }}
    />
  );
}
