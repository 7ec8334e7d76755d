"use client";

import { useMemo } from "react";
import { EChart } from "@/components/charts/echart";

interface TracePoint {
  readonly epoch: number;
  readonly batch: number;
  readonly loss: number;
  readonly accuracy: number;
}

/** Loss and training accuracy as training went, x in epochs (epoch 1 batch 0 is 0). */
export function TrainingCurveChart({ points }: { readonly points: readonly TracePoint[] }) {
  const option = useMemo(() => {
    // Batches per epoch are not in the trace: estimate them from the largest batch index seen per epoch.
    const perEpoch = new Map<number, number>();
    for (const point of points) perEpoch.set(point.epoch, Math.max(perEpoch.get(point.epoch) ?? 1, point.batch));
    const batches = Math.max(...perEpoch.values());
    const x = (point: TracePoint) => point.epoch - 1 + point.batch / batches;
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { data: ["loss", "accuracy"], top: 0 },
      grid: { left: 50, right: 50, top: 30, bottom: 30 },
      xAxis: { type: "value", name: "epoch", min: 0 },
      yAxis: [
        { type: "value", name: "loss", min: 0 },
        { type: "value", name: "accuracy", min: 0, max: 1 },
      ],
      series: [
        {
          name: "loss",
          type: "line",
          showSymbol: points.length < 30,
          data: points.map((point) => [x(point), point.loss]),
        },
        {
          name: "accuracy",
          type: "line",
          yAxisIndex: 1,
          showSymbol: points.length < 30,
          data: points.map((point) => [x(point), point.accuracy]),
        },
      ],
    };
  }, [points]);
  return (
    <EChart
      option={option}
      height={220}
      label={`Training loss and accuracy over ${points.length} reported steps`}
      testId="training-curve"
      dataAttributes={{ "data-points": points.length }}
    />
  );
}
