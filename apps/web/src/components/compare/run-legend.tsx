"use client";

import { Button, Group, Text } from "@mantine/core";
import { memo, useEffect, useState } from "react";
import classes from "./run-legend.module.css";

export interface RunLegendEntry {
  /** The run's id. */
  readonly key: string;
  /** The run's label. */
  readonly name: string;
  readonly color: string;
}

export interface RunLegendProps {
  readonly entries: readonly RunLegendEntry[];
  /** Keys of the runs currently hidden. */
  readonly hidden: ReadonlySet<string>;
  readonly height: number;
  readonly onToggle: (key: string) => void;
  readonly onShowAll: () => void;
  readonly onInvert: () => void;
}

/**
 * The compare chart's legend as a plain HTML list beside it: a checkbox per run, scrolled by the
 * browser. ECharts' own scrolling legend laid out all 200 items on the canvas at every draw (~100 ms
 * at 200 runs); native checkboxes cost the browser next to nothing.
 */
export const RunLegend = memo(function RunLegend({
  entries,
  hidden,
  height,
  onToggle,
  onShowAll,
  onInvert,
}: RunLegendProps) {
  // Not in the server's HTML nor hydrated: the list (200 checkboxes) is drawn just after the page
  // hydrates, which keeps it out of the HTML's bytes and out of the hydration's work.
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return (
    <div className={classes.column} style={{ height }}>
      <Group gap={4} mb={4} wrap="nowrap">
        <Button size="compact-xs" variant="default" onClick={onShowAll} disabled={hidden.size === 0}>
          all
        </Button>
        <Button size="compact-xs" variant="default" onClick={onInvert}>
          invert
        </Button>
        <Text size="xs" c="dimmed">
          {entries.filter((entry) => !hidden.has(entry.key)).length} of {entries.length} shown
        </Text>
      </Group>
      <ul aria-label="Runs on the chart" data-testid="run-legend" className={classes.list}>
        {mounted &&
          entries.map((entry) => (
            <li key={entry.key}>
              <label className={classes.item}>
                <input
                  type="checkbox"
                  className={classes.checkbox}
                  checked={!hidden.has(entry.key)}
                  onChange={() => onToggle(entry.key)}
                  style={{ accentColor: entry.color }}
                />
                <span aria-hidden className={classes.swatch} style={{ background: entry.color }} />
                <span className={classes.name}>{entry.name}</span>
              </label>
            </li>
          ))}
      </ul>
    </div>
  );
});
