"use client";

import { MAX_COMPARED_RUNS } from "@deadweight/api/compare-limits";
import { useState } from "react";

/** The compare endpoint takes at most this many runs (the API's own limit). */
export { MAX_COMPARED_RUNS };

/** A set of chosen run ids, capped at what one comparison takes. */
export function useRunSelection(initial: readonly string[] = []) {
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set(initial));
  const toggle = (runId: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(runId)) next.delete(runId);
      else if (next.size < MAX_COMPARED_RUNS) next.add(runId);
      return next;
    });
  const addAll = (runIds: readonly string[]) =>
    setSelected((current) => {
      const next = new Set(current);
      for (const runId of runIds) {
        if (next.size >= MAX_COMPARED_RUNS) break;
        next.add(runId);
      }
      return next;
    });
  const clear = () => setSelected(new Set());
  return { selected, toggle, addAll, clear };
}
