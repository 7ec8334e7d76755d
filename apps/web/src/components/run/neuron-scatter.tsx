"use client";

import { type LayerActivationStats, type PruningThreshold, planPruning } from "@deadweight/core/tensor-free";
import { Group, SegmentedControl, Stack, Text } from "@mantine/core";
import { memo, useDeferredValue, useMemo, useState } from "react";
import { EChart } from "@/components/charts/echart";
import { describeThreshold } from "@/lib/thresholds";

export interface NeuronScatterProps {
  readonly layers: readonly LayerActivationStats[];
  readonly sampleCount: number;
  /** The selected row's threshold: its lines are drawn and the neurons it removes are marked. */
  readonly threshold: PruningThreshold | null;
}

/**
 * The original post's picture: every hidden neuron of a layer as a point (mean, std of its
 * activation on the validation set). The pruned ones are exactly those the core's planPruning removes.
 */
export const NeuronScatter = memo(function NeuronScatter({
  layers,
  sampleCount,
  threshold: chosen,
}: NeuronScatterProps) {
  // A row picked in the sweep opens its drawer at once; the ~900 points are redrawn right after.
  const threshold = useDeferredValue(chosen);
  const [layerIndex, setLayerIndex] = useState(0);
  const layer = layers[Math.min(layerIndex, layers.length - 1)];
  const pruned = useMemo(() => {
    if (threshold === null || layer === undefined) return new Set<number>();
    const plan = planPruning({ sampleCount, layers: [layer] }, threshold);
    const kept = new Set(plan.layers[0]?.kept ?? []);
    return new Set(layer.neurons.map((_, index) => index).filter((index) => !kept.has(index)));
  }, [layer, threshold, sampleCount]);

  const option = useMemo(() => {
    if (layer === undefined) return {};
    const keptPoints: [number, number, number][] = [];
    const prunedPoints: [number, number, number][] = [];
    layer.neurons.forEach((neuron, index) => {
      (pruned.has(index) ? prunedPoints : keptPoints).push([neuron.mean, neuron.std, index]);
    });
    const lines: object[] = [];
    if (threshold?.kind === "meanStd") {
      lines.push(
        { xAxis: threshold.mean, name: `mean ${threshold.mean}` },
        { yAxis: threshold.std, name: `std ${threshold.std}` },
      );
      if (layer.neurons.some((neuron) => neuron.mean < 0))
        lines.push({ xAxis: -threshold.mean, name: `mean −${threshold.mean}` });
    } else if (threshold?.kind === "stdFold") {
      lines.push({ yAxis: threshold.std, name: `std ${threshold.std}` });
    }
    return {
      animation: false,
      legend: { data: ["kept", "pruned"], top: 0 },
      grid: { left: 60, right: 30, top: 40, bottom: 50 },
      tooltip: {
        trigger: "item",
        formatter: (params: { data: [number, number, number]; seriesName: string }) =>
          `neuron ${params.data[2]} (${params.seriesName})<br/>mean ${params.data[0].toFixed(4)}<br/>std ${params.data[1].toFixed(4)}`,
      },
      xAxis: { type: "value", name: "mean activation", nameLocation: "middle", nameGap: 30, scale: true },
      yAxis: { type: "value", name: "std of activation", scale: true },
      series: [
        {
          name: "kept",
          type: "scatter",
          symbolSize: 5,
          // One path for all points instead of a shape each (hover still finds the point).
          large: true,
          largeThreshold: 200,
          data: keptPoints,
          itemStyle: { color: "#4263eb", opacity: 0.7 },
          markLine: {
            symbol: "none",
            silent: true,
            lineStyle: { color: "#e03131", type: "dashed" },
            label: { formatter: "{b}" },
            data: lines,
          },
        },
        {
          name: "pruned",
          type: "scatter",
          symbolSize: 6,
          large: true,
          largeThreshold: 200,
          data: prunedPoints,
          itemStyle: { color: "#e03131" },
        },
      ],
    };
  }, [layer, pruned, threshold]);

  if (layer === undefined)
    return <Text c="dimmed">No statistics yet: they are stored when the statistics stage finishes.</Text>;
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <SegmentedControl
          aria-label="Hidden layer"
          value={String(layerIndex)}
          onChange={(value) => setLayerIndex(Number(value))}
          data={layers.map((entry) => ({
            value: String(entry.layerIndex),
            label: `layer ${entry.layerIndex + 1} (${entry.neurons.length})`,
          }))}
        />
        <Text size="sm" c="dimmed" data-testid="scatter-caption">
          {threshold === null
            ? `${layer.neurons.length} neurons; select a row to see what its threshold removes`
            : `${describeThreshold(threshold)}: ${pruned.size} of ${layer.neurons.length} neurons pruned in this layer`}
        </Text>
      </Group>
      <EChart
        option={option}
        height={380}
        label={`Mean against standard deviation of the ${layer.neurons.length} neurons of hidden layer ${layer.layerIndex + 1}`}
        testId="neuron-scatter"
        dataAttributes={{
          "data-neurons": layer.neurons.length,
          "data-pruned": pruned.size,
          "data-layer": layer.layerIndex,
        }}
      />
    </Stack>
  );
});
