import type { TradeOffTimeline } from "../../lib/router-outputs";

export type TimelineRow = TradeOffTimeline["aliases"][number]["steps"][number]["row"];
export type AliasStep = TradeOffTimeline["aliases"][number]["steps"][number];
export type LandedRun = TradeOffTimeline["landedRuns"][number];

/** One line of the history table: an alias change or a run that landed, at one moment. */
export type TimelineEntry =
  | { readonly kind: "alias"; readonly at: string; readonly alias: string; readonly step: AliasStep }
  | { readonly kind: "run"; readonly at: string; readonly run: LandedRun };

/**
 * The alias changes and landed runs in the order they happened (oldest first). At the same instant a
 * run landing comes before an alias change: a promotion can only follow the run it promotes from.
 */
export function timelineEntries(timeline: TradeOffTimeline): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...timeline.landedRuns.map((run): TimelineEntry => ({ kind: "run", at: run.finishedAt, run })),
    ...timeline.aliases.flatMap((alias) =>
      alias.steps.map((step): TimelineEntry => ({ kind: "alias", at: step.at, alias: alias.alias, step })),
    ),
  ];
  const rank = (entry: TimelineEntry) => (entry.kind === "run" ? 0 : 1);
  return entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || rank(a) - rank(b));
}
