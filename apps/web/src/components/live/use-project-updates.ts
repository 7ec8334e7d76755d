"use client";

import { useEffect, useRef } from "react";
import { api } from "@/lib/api-client";
import type { LiveConnection } from "./live-connection";
import { useLiveSubscription } from "./use-live-subscription";

/** What a list learns from project.watch: these runs changed, or (after a reconnect) anything may have. */
export type ProjectRunsChanged = { readonly runIds: readonly string[] } | { readonly everything: true };

/** A burst of updates (a seed sweep queued, several workers reporting) within this long is one refetch. */
const SETTLE_MS = 300;

/**
 * Calls `onChange` when runs of the project changed (queued, claimed, progressed, finished), as the
 * server pushes it (project.watch), merged over a short settling time so a burst is one call.
 * `everything` (the first update after a reconnect: changes may have been missed) is passed on as is,
 * for a full refetch. Returns how the stream stands.
 */
export function useProjectUpdates(projectId: string, onChange: (changes: ProjectRunsChanged) => void): LiveConnection {
  const onChangeRef = useRef(onChange);
  useEffect(() => {
    onChangeRef.current = onChange;
  });
  const pending = useRef<{ runIds: Set<string>; everything: boolean; timer: ReturnType<typeof setTimeout> } | null>(
    null,
  );
  useEffect(
    () => () => {
      if (pending.current !== null) clearTimeout(pending.current.timer);
      pending.current = null;
    },
    [],
  );

  return useLiveSubscription<ProjectRunsChanged>(
    `project.watch:${projectId}`,
    (lastEventId, observer) =>
      api.project.watch.subscribe({ projectId, ...(lastEventId === null ? {} : { lastEventId }) }, observer),
    (update) => {
      const everything = "everything" in update;
      if (!everything && update.runIds.length === 0) return;
      if (pending.current === null) {
        const timer = setTimeout(() => {
          const settled = pending.current;
          pending.current = null;
          if (settled === null) return;
          onChangeRef.current(settled.everything ? { everything: true } : { runIds: [...settled.runIds] });
        }, SETTLE_MS);
        pending.current = { runIds: new Set(), everything: false, timer };
      }
      if (everything) pending.current.everything = true;
      else for (const runId of update.runIds) pending.current.runIds.add(runId);
    },
  );
}
