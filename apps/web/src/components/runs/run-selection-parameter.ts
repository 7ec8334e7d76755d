import { MAX_COMPARED_RUNS } from "@deadweight/api/compare-limits";

/** The URL parameter that holds a selection of runs, comma-separated, as on the compare page. */
export const SELECTION_PARAMETER = "runs";

/**
 * The selection a URL parameter names: distinct ids, at most MAX_COMPARED_RUNS. A plain module, not
 * a client one: the pages' server components read the parameter with it.
 */
export function selectionOfParameter(value: string | undefined): string[] {
  return [...new Set((value ?? "").split(",").filter((id) => id !== ""))].slice(0, MAX_COMPARED_RUNS);
}
