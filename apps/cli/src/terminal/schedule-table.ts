import type { BaseModelMetrics, ScheduleOutcome } from "@deadweight/core";
import { formatBytes } from "./format-bytes.js";
import { formatThreshold } from "./results-table.js";

const HEADERS = [
  "round",
  "threshold",
  "kept neurons",
  "val % cut",
  "val %",
  "test %",
  "val Δpp",
  "test Δpp",
  "params",
  "size",
  "params -%",
  "seconds",
] as const;

/**
 * The iterative schedule's rounds as a fixed-width table: the threshold each round pruned the
 * previous round's network with, its validation accuracy straight after the cut and after recovery,
 * test accuracy, both against the base model, sizes and time; then why the schedule stopped.
 */
export function renderScheduleTable(base: BaseModelMetrics, outcome: ScheduleOutcome): string {
  const points = (drop: number) => `${drop <= 0 ? "+" : "-"}${Math.abs(drop).toFixed(2)}`;
  const cells: string[][] = [
    [...HEADERS],
    ["base", "", base.hiddenSizes.join("-"), "", percent(base.validationAccuracy), percent(base.testAccuracy)],
    ...outcome.rounds.map((round) => [
      `round-${round.round}`,
      formatThreshold(round.threshold),
      round.keptNeurons.join("-"),
      percent(round.oneShotValidationAccuracy),
      percent(round.validationAccuracy),
      percent(round.testAccuracy),
      points(round.validationAccuracyDrop),
      points(round.testAccuracyDrop),
      round.parameters.toLocaleString("en-US"),
      formatBytes(round.bytes),
      round.parameterReductionPercent.toFixed(1),
      round.seconds.toFixed(1),
    ]),
  ];
  const widths = HEADERS.map((_, column) => Math.max(...cells.map((line) => (line[column] ?? "").length)));
  const lines = cells.map((line) =>
    line
      .map((cell, column) => (column < 2 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
  return [
    "iterative schedule (each round prunes the previous round's network, then fine-tunes it):",
    ...lines,
    `stopped: ${outcome.stopNote}`,
    "val % cut = validation accuracy straight after the round's pruning, before its fine-tuning; Δpp against the base model",
  ].join("\n");
}

function percent(accuracy: number): string {
  return (100 * accuracy).toFixed(2);
}
