"use client";

import { memo, useDeferredValue, useMemo } from "react";
import { EChart } from "@/components/charts/echart";
import { formatAccuracy, formatBytes, formatCount, formatDrop } from "@/lib/format";
import type { ResultRow } from "@/lib/router-outputs";
import { describeThreshold } from "@/lib/thresholds";
import { isRoundRow, roundNumber, tradeOffSeriesRows } from "./trade-off-series";

export type SizeAxis = "bytes" | "parameters";

export interface TradeOffChartProps {
  readonly rows: readonly ResultRow[];
  readonly base: { readonly parameters: number; readonly bytes: number; readonly testAccuracy: number } | null;
  readonly size: SizeAxis;
  readonly selectedRowId: string | null;
  readonly onSelect: (rowId: string) => void;
  /** A device budget drawn as a vertical line (same unit as `size`). */
  readonly budget?: number;
}

/**
 * Test accuracy against model size for every threshold, the Pareto frontier joined, the base model
 * marked, and the iterative schedule's rounds (rows "round-N") as their own series joined in round order.
 */
export const TradeOffChart = memo(function TradeOffChart({
  rows,
  base,
  size,
  selectedRowId: chosenRowId,
  onSelect,
  budget,
}: TradeOffChartProps) {
  // The picked row's drawer opens first; the chart marks it right after.
  const selectedRowId = useDeferredValue(chosenRowId);
  const usable = useMemo(() => rows.filter((row) => row.status === "ok" && row.testAccuracy !== null), [rows]);
  const series = useMemo(() => tradeOffSeriesRows(usable), [usable]);
  const option = useMemo(() => {
    const sizeOf = (row: { parameters: number; bytes: number }) => (size === "bytes" ? row.bytes : row.parameters);
    const point = (row: ResultRow) => ({
      value: [sizeOf(row), (row.testAccuracy ?? 0) * 100],
      rowId: row.id,
      symbolSize: row.id === selectedRowId ? 16 : 9,
      itemStyle: row.id === selectedRowId ? { borderColor: "#000", borderWidth: 2 } : undefined,
    });
    const frontier = usable.filter((row) => row.pareto).sort((a, b) => sizeOf(a) - sizeOf(b));
    // Measured bundles (real bytes on disk per dtype) only make sense on the bytes axis.
    const bundlePoints =
      size === "bytes"
        ? usable.flatMap((row) =>
            row.bundles.map((bundle) => ({
              value: [bundle.bytes, bundle.testAccuracy * 100],
              rowId: row.id,
              bundle: `${bundle.dtype} bundle (${bundle.weights})${bundle.exported === null ? "" : ", exported and verified"}`,
              symbol: bundle.dtype === "float32" ? "circle" : bundle.dtype === "float16" ? "triangle" : "rect",
              itemStyle: { color: bundle.exported === null ? "#adb5bd" : "#2f9e44" },
            })),
          )
        : [];
    const byId = new Map(usable.map((row) => [row.id, row]));
    return {
      animation: false,
      legend: {
        data: [
          "thresholds",
          ...(series.rounds.length === 0 ? [] : ["schedule rounds"]),
          "Pareto frontier",
          "base model",
          "bundles on disk",
        ],
        top: 0,
      },
      grid: { left: 60, right: 30, top: 40, bottom: 50 },
      tooltip: {
        trigger: "item",
        formatter: (params: {
          data: { rowId?: string; bundle?: string; value: [number, number] };
          seriesName: string;
        }) => {
          const row = params.data.rowId === undefined ? undefined : byId.get(params.data.rowId);
          if (row !== undefined && params.data.bundle !== undefined) {
            return `<b>${describeThreshold(row.threshold)}</b><br/>${params.data.bundle}<br/>${formatBytes(params.data.value[0])} on disk · test ${params.data.value[1].toFixed(2)}% after reloading`;
          }
          if (row === undefined) {
            return `base model<br/>${size === "bytes" ? formatBytes(params.data.value[0]) : formatCount(params.data.value[0])} · ${params.data.value[1].toFixed(2)}%`;
          }
          const title = isRoundRow(row)
            ? `schedule round ${roundNumber(row.rowKey)}: ${describeThreshold(row.threshold)} of the round before`
            : describeThreshold(row.threshold);
          return [
            `<b>${title}</b>`,
            `test ${formatAccuracy(row.testAccuracy)} (${formatDrop(row.testAccuracyDrop)})`,
            `validation ${formatAccuracy(row.validationAccuracy)}`,
            `${formatCount(row.parameters)} parameters · ${formatBytes(row.bytes)}`,
            `kept ${row.keptNeurons.join("-")} (−${row.neuronReductionPercent.toFixed(1)}% neurons)`,
            row.pareto ? "on the Pareto frontier" : "",
            "click to open the row",
          ]
            .filter((line) => line !== "")
            .join("<br/>");
        },
      },
      xAxis: {
        type: "value",
        name: size === "bytes" ? "size (bytes)" : "parameters",
        nameLocation: "middle",
        nameGap: 30,
        axisLabel: { formatter: (value: number) => (size === "bytes" ? formatBytes(value) : formatCount(value)) },
      },
      yAxis: { type: "value", name: "test accuracy (%)", scale: true },
      series: [
        {
          id: "thresholds",
          name: "thresholds",
          type: "scatter",
          data: series.thresholds.map(point),
          ...(budget === undefined
            ? {}
            : {
                markLine: {
                  symbol: "none",
                  label: { formatter: `budget ${size === "bytes" ? formatBytes(budget) : formatCount(budget)}` },
                  lineStyle: { color: "#e8590c", type: "dashed", width: 2 },
                  data: [{ xAxis: budget }],
                },
              }),
        },
        ...(series.rounds.length === 0
          ? []
          : [
              {
                id: "rounds",
                name: "schedule rounds",
                type: "line",
                symbol: "triangle",
                symbolSize: 11,
                lineStyle: { type: "dotted" },
                data: series.rounds.map(point),
              },
            ]),
        {
          id: "frontier",
          name: "Pareto frontier",
          type: "line",
          step: false,
          symbolSize: 6,
          data: frontier.map(point),
        },
        ...(bundlePoints.length === 0
          ? []
          : [{ id: "bundles", name: "bundles on disk", type: "scatter", symbolSize: 9, data: bundlePoints }]),
        ...(base === null
          ? []
          : [
              {
                id: "base",
                name: "base model",
                type: "scatter",
                symbol: "diamond",
                symbolSize: 14,
                data: [{ value: [size === "bytes" ? base.bytes : base.parameters, base.testAccuracy * 100] }],
              },
            ]),
      ],
    };
  }, [usable, series, size, selectedRowId, base, budget]);

  return (
    <EChart
      option={option}
      height={360}
      label={`Test accuracy against ${size} for ${usable.length} thresholds`}
      testId="trade-off-chart"
      dataAttributes={{
        "data-points": usable.length,
        "data-frontier": usable.filter((row) => row.pareto).length,
        "data-rounds": series.rounds.length,
        "data-series": option.series.map((entry) => entry.name).join(","),
        "data-budget": budget ?? "",
      }}
      onPointClick={(click) => {
        const rowId = (click.data as { rowId?: string } | undefined)?.rowId;
        if (rowId !== undefined) onSelect(rowId);
      }}
    />
  );
});
