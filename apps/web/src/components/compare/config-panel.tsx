"use client";

import { Group, Paper, Switch, Title } from "@mantine/core";
import { memo, useState } from "react";
import type { RunComparison } from "@/lib/router-outputs";
import { ConfigDiffTable } from "./config-diff-table";

export interface ConfigPanelProps {
  readonly comparison: RunComparison;
  readonly labels: ReadonlyMap<string, string>;
  readonly baseline: string | null;
}

/**
 * The compared runs' configuration with its "hide identical fields" switch. The switch's state lives
 * here, so flipping it redraws this table only, not the chart, the budget table or the baseline
 * picker's 200 options (the first click on a 200-run page took ~250 ms when it redrew everything).
 */
export const ConfigPanel = memo(function ConfigPanel({ comparison, labels, baseline }: ConfigPanelProps) {
  const [hideIdentical, setHideIdentical] = useState(true);
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="xs">
        <Title order={4}>Configuration</Title>
        <Switch
          label="Hide identical fields"
          checked={hideIdentical}
          onChange={(event) => setHideIdentical(event.currentTarget.checked)}
        />
      </Group>
      <ConfigDiffTable comparison={comparison} labels={labels} hideIdentical={hideIdentical} baseline={baseline} />
    </Paper>
  );
});
