import { Paper, Text, Title } from "@mantine/core";
import type { SeedSpread } from "./seed-spread";
import { SeedSpreadChart } from "./seed-spread-chart";
import { SeedSpreadTable } from "./seed-spread-table";

/** Fewer succeeded seeds than this and there is no spread to show. */
export const MIN_SEEDS_FOR_SPREAD = 2;

/** "Spread across seeds": the chart and the table, once at least two seeds have succeeded. */
export function SeedSpreadPanel({ spread }: { readonly spread: SeedSpread }) {
  if (spread.seeds.length < MIN_SEEDS_FOR_SPREAD) return null;
  const waiting = spread.runsByStatus.queued + spread.runsByStatus.running;
  const failed = spread.runsByStatus.failed + spread.runsByStatus.canceled;
  return (
    <Paper withBorder p="md" data-testid="seed-spread">
      <Title order={4}>Spread across seeds</Title>
      <Text size="sm" c="dimmed" mb="xs">
        {spread.seeds.length} succeeded runs (seeds {spread.seeds.map((entry) => entry.seed).join(", ")})
        {waiting > 0 ? ` · ${waiting} still queued or running` : ""}
        {failed > 0 ? ` · ${failed} failed or canceled, not counted` : ""}. Each point is a row's mean; the bar runs
        from its worst seed to its best.
      </Text>
      <SeedSpreadChart spread={spread} />
      <SeedSpreadTable spread={spread} />
    </Paper>
  );
}
