"use client";

import { LiveConnectionNotice } from "@/components/live/live-connection-notice";
import { useRunUpdates } from "@/components/live/use-run-updates";

/**
 * Keeps the run's pushed updates flowing into the page's queries and says how the stream stands.
 * Its own component, so the stream's state changes (connecting, then live, a moment after every
 * load) redraw this notice only, not the whole run page and its charts.
 */
export function RunLiveStream({ runId }: { readonly runId: string }) {
  const connection = useRunUpdates(runId);
  return <LiveConnectionNotice connection={connection} />;
}
