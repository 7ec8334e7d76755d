"use client";

import { withTrainingCurveUpdate } from "@deadweight/api/live-training-curve";
import { useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import type { RunDetails, RunUpdate } from "@/lib/router-outputs";
import type { LiveConnection } from "./live-connection";
import { staleRunViews } from "./stale-run-views";
import { useLiveSubscription } from "./use-live-subscription";

/**
 * A run as the server pushes it (run.watch): each update, the run's whole state with its training
 * curve's new points added to the curve held, becomes run.get's cached answer for `runId`, and the
 * page's other queries of the run are refetched only when the update changed what they show (see
 * staleRunViews). An update that adds to a curve the page does not hold as the server thinks it does
 * makes it read the run again. Returns how the stream stands.
 */
export function useRunUpdates(runId: string): LiveConnection {
  const queryClient = useQueryClient();
  return useLiveSubscription<RunUpdate>(
    `run.watch:${runId}`,
    (lastEventId, observer) =>
      api.run.watch.subscribe({ runId, ...(lastEventId === null ? {} : { lastEventId }) }, observer),
    (update) => {
      const previous = queryClient.getQueryData<RunDetails>(["run.get", runId]);
      const { trainingCurveFrom: _from, ...state } = update;
      const curve = withTrainingCurveUpdate(previous?.trainingCurve, update);
      queryClient.setQueryData(["run.get", runId], {
        ...state,
        trainingCurve: curve === null ? (previous?.trainingCurve ?? null) : curve.trainingCurve,
      } as RunDetails);
      if (curve === null) void queryClient.invalidateQueries({ queryKey: ["run.get", runId] });
      if (previous === undefined) return;
      for (const view of staleRunViews(previous, state))
        void queryClient.invalidateQueries({ queryKey: [view, runId] });
    },
  );
}
