"use client";

import { MAX_COMPARED_RUNS } from "@deadweight/api/compare-limits";
import { useEffect, useState } from "react";
import { SELECTION_PARAMETER } from "./run-selection-parameter";

/** The compare endpoint takes at most this many runs (the API's own limit). */
export { MAX_COMPARED_RUNS };

/**
 * A set of chosen run ids, capped at what one comparison takes, mirrored in the page's URL
 * (`?runs=a,b,c`, replaced in place, no history entry per click): a reload or a shared link keeps it.
 */
export function useRunSelection(initial: readonly string[] = []) {
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set(initial));
  useEffect(() => {
    const url = new URL(window.location.href);
    const ids = [...selected].join(",");
    if ((url.searchParams.get(SELECTION_PARAMETER) ?? "") === ids) return;
    if (ids === "") url.searchParams.delete(SELECTION_PARAMETER);
    else url.searchParams.set(SELECTION_PARAMETER, ids);
    // Commas stay readable in the address bar (URLSearchParams would write %2C).
    window.history.replaceState(window.history.state, "", url.toString().replaceAll("%2C", ","));
  }, [selected]);
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
