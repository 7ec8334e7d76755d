"use client";

import { useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import type { RunDetails } from "@/lib/router-outputs";
import type { LiveConnection } from "./live-connection";
import { staleRunViews } from "./stale-run-views";
import { useLiveSubscription } from "./use-live-subscription";

/**
 * A run as the server pushes it (run.watch): each update, the run's whole state, becomes run.get's
 * cached answer for `runId`, and the page's other queries of the run are refetched only when the
 * update changed what they show (see staleRunViews). Returns how the stream stands.
 */
export function useRunUpdates(runId: string): LiveConnection {
  const queryClient = useQueryClient();
  return useLiveSubscription<RunDetails>(
    `run.watch:${runId}`,
    (lastEventId, observer) =>
      api.run.watch.subscribe({ runId, ...(lastEventId === null ? {} : { lastEventId }) }, observer),
    (run) => {
      const previous = queryClient.getQueryData<RunDetails>(["run.get", runId]);
      queryClient.setQueryData(["run.get", runId], run);
      if (previous === undefined) return;
      for (const view of staleRunViews(previous, run)) void queryClient.invalidateQueries({ queryKey: [view, runId] });
    },
  );
}
