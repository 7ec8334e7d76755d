"use client";

import { useMemo } from "react";
import { EChart } from "@/components/charts/echart";
import { formatAccuracy, formatCount } from "@/lib/format";
import type { SeedSpread } from "./seed-spread";

export interface SeedSpreadChartProps {
  readonly spread: SeedSpread;
}

/**
 * Each row key across the seeds: a point at its mean parameters and mean test accuracy, with an
 * error bar from the worst seed's test accuracy to the best's. Rows some seed lacks are drawn
 * hollow, so a partial mean is never read as the whole experiment's.
 */
export function SeedSpreadChart({ spread }: SeedSpreadChartProps) {
  const option = useMemo(() => {
    const total = spread.seeds.length;
    const byKey = new Map(spread.rows.map((row) => [row.rowKey, row]));
    const means = spread.rows.map((row) => ({
      value: [row.parameters.mean, row.testAccuracy.mean * 100],
      rowKey: row.rowKey,
      itemStyle: row.complete ? undefined : { color: "#fff", borderColor: "#868e96", borderWidth: 2 },
    }));
    // One vertical segment per row key; "-" (a missing point) breaks the line between segments.
    const bars = spread.rows.flatMap((row) => [
      [row.parameters.mean, row.testAccuracy.min * 100],
      [row.parameters.mean, row.testAccuracy.max * 100],
      "-",
    ]);
    return {
      animation: false,
      legend: { data: ["mean over seeds", "min to max"], top: 0 },
      grid: { left: 60, right: 30, top: 40, bottom: 50 },
      tooltip: {
        trigger: "item",
        formatter: (params: { data: { rowKey?: string } }) => {
          const row = params.data.rowKey === undefined ? undefined : byKey.get(params.data.rowKey);
          if (row === undefined) return "";
          return [
            `<b>${row.rowKey}</b>`,
            `${row.seeds} of ${total} seeds${row.complete ? "" : ` (missing ${row.missingSeeds.join(", ")})`}`,
            `test mean ${formatAccuracy(row.testAccuracy.mean)}, min ${formatAccuracy(row.testAccuracy.min)}, max ${formatAccuracy(row.testAccuracy.max)}`,
            `worst seed ${row.worstTestSeed.seed}`,
            `${formatCount(Math.round(row.parameters.mean))} parameters on average`,
          ].join("<br/>");
        },
      },
      xAxis: {
        type: "value",
        name: "parameters (mean over seeds)",
        nameLocation: "middle",
        nameGap: 30,
        scale: true,
      },
      yAxis: { type: "value", name: "test accuracy (%)", scale: true },
      series: [
        {
          name: "min to max",
          type: "line",
          data: bars,
          showSymbol: false,
          connectNulls: false,
          silent: true,
          lineStyle: { width: 2, color: "#748ffc" },
          itemStyle: { color: "#748ffc" },
        },
        {
          name: "mean over seeds",
          type: "scatter",
          data: means,
          symbolSize: 9,
          itemStyle: { color: "#364fc7" },
          z: 3,
        },
      ],
    };
  }, [spread]);

  return (
    <EChart
      option={option}
      height={360}
      label={`Spread across ${spread.seeds.length} seeds: test accuracy against parameters, mean with min-max bars`}
      testId="seed-spread-chart"
      dataAttributes={{
        "data-points": spread.rows.length,
        "data-incomplete": spread.rows.filter((row) => !row.complete).length,
      }}
    />
  );
}
