"use client";

import { useMemo } from "react";
import { EChart } from "@/components/charts/echart";
import { formatBytes } from "@/lib/format";
import type { TradeOffTimeline } from "@/lib/router-outputs";
import type { TimelineRow } from "./timeline-entries";
import { type PointDetails, tooltipOf } from "./timeline-tooltip";

type ChartPoint = { readonly value: [number, number | "-"]; readonly details: PointDetails | null };

const SIZE_GRID = 0;
const ACCURACY_GRID = 1;

/**
 * Two charts on one time axis: size (bytes) above, test accuracy below. Each alias is a step line
 * (it holds a row's numbers until its next change; a demotion ends the line, an alias still assigned
 * runs on to `until`); each landed run is a point at the row it offered.
 */
export function TradeOffHistoryChart({
  timeline,
  until,
}: {
  readonly timeline: TradeOffTimeline;
  /** Where lines of aliases still assigned end (now, when the page was drawn). */
  readonly until: number;
}) {
  const option = useMemo(() => {
    const aliasSeries = timeline.aliases.flatMap((alias) => {
      const points = (measure: (row: TimelineRow) => number | null): ChartPoint[] => {
        const data: ChartPoint[] = [];
        for (const step of alias.steps) {
          const time = Date.parse(step.at);
          const details: PointDetails = {
            title: `${alias.alias} ${step.action}`,
            row: step.row,
            at: step.at,
            actor: step.actor.name,
            note: step.note,
          };
          if (step.action === "demoted") {
            // The line reaches the demotion, then breaks: the alias holds nothing until promoted again.
            data.push({ value: [time, measure(step.row) ?? "-"], details });
            data.push({ value: [time, "-"], details: null });
          } else {
            data.push({ value: [time, measure(step.row) ?? "-"], details });
          }
        }
        const last = alias.steps.at(-1);
        if (last !== undefined && alias.assigned && until > Date.parse(last.at)) {
          data.push({ value: [until, measure(last.row) ?? "-"], details: null });
        }
        return data;
      };
      const common = { type: "line", name: alias.alias, step: "end", symbolSize: 8, connectNulls: false };
      return [
        {
          ...common,
          id: `size:${alias.alias}`,
          xAxisIndex: SIZE_GRID,
          yAxisIndex: SIZE_GRID,
          data: points((row) => row.bytes),
        },
        {
          ...common,
          id: `accuracy:${alias.alias}`,
          xAxisIndex: ACCURACY_GRID,
          yAxisIndex: ACCURACY_GRID,
          data: points((row) => (row.testAccuracy === null ? null : row.testAccuracy * 100)),
        },
      ];
    });
    const offered = timeline.landedRuns.flatMap((run) =>
      run.offered.kind === "within-drop"
        ? [{ row: run.offered.row, at: run.finishedAt, title: `run landed (${run.experimentName})` }]
        : [],
    );
    const landedSeries = [
      {
        id: "landed:size",
        name: "runs landed",
        type: "scatter",
        symbol: "diamond",
        symbolSize: 11,
        itemStyle: { color: "#868e96" },
        xAxisIndex: SIZE_GRID,
        yAxisIndex: SIZE_GRID,
        data: offered.map(({ row, at, title }) => ({
          value: [Date.parse(at), row.bytes],
          details: { title, row, at },
        })),
      },
      {
        id: "landed:accuracy",
        name: "runs landed",
        type: "scatter",
        symbol: "diamond",
        symbolSize: 11,
        itemStyle: { color: "#868e96" },
        xAxisIndex: ACCURACY_GRID,
        yAxisIndex: ACCURACY_GRID,
        data: offered.map(({ row, at, title }) => ({
          value: [Date.parse(at), row.testAccuracy === null ? "-" : row.testAccuracy * 100],
          details: { title, row, at },
        })),
      },
    ];
    return {
      animation: false,
      legend: { top: 0, type: "scroll", data: [...timeline.aliases.map((alias) => alias.alias), "runs landed"] },
      tooltip: {
        trigger: "item",
        formatter: (params: { data: ChartPoint }) => tooltipOf(params.data.details),
      },
      axisPointer: { link: [{ xAxisIndex: "all" }] },
      grid: [
        { left: 80, right: 30, top: 40, height: "36%" },
        { left: 80, right: 30, top: "56%", height: "32%" },
      ],
      xAxis: [
        { type: "time", gridIndex: SIZE_GRID, axisLabel: { show: false } },
        { type: "time", gridIndex: ACCURACY_GRID, name: "time", nameLocation: "middle", nameGap: 28 },
      ],
      yAxis: [
        {
          type: "value",
          gridIndex: SIZE_GRID,
          name: "size (bytes)",
          scale: true,
          axisLabel: { formatter: (value: number) => formatBytes(value) },
        },
        { type: "value", gridIndex: ACCURACY_GRID, name: "test accuracy (%)", scale: true },
      ],
      series: [...aliasSeries, ...landedSeries],
    };
  }, [timeline, until]);

  const stepCounts = timeline.aliases.map((alias) => `${alias.alias}:${alias.steps.length}`).join(" ");
  return (
    <EChart
      option={option}
      height={520}
      label={`Trade-off history: size and test accuracy over time for ${timeline.aliases.length} aliases and ${timeline.landedRuns.length} landed runs; the table below lists the same events`}
      testId="trade-off-history-chart"
      dataAttributes={{
        "data-alias-steps": stepCounts,
        "data-landed-points": timeline.landedRuns.filter((run) => run.offered.kind === "within-drop").length,
      }}
    />
  );
}
