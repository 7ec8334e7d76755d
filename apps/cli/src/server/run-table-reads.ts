/** What project.watch says changed: some runs, or everything (its first update after a reconnection). */
export type ProjectChange = { readonly runIds: readonly string[] } | { readonly everything: true };

/**
 * What to read to bring a followed table up to date: the whole table (the run list and every run in
 * it), or only some runs, with the run list first when one of them is not in the table yet (a new
 * run, or one outside the table's scope: only the list can tell).
 */
export type RunTableReads =
  | { readonly kind: "whole table" }
  | { readonly kind: "runs"; readonly runIds: readonly string[]; readonly listFirst: boolean };

/**
 * The reads a change calls for, given the runs the table holds (null before its first read): the
 * whole table at first and after "everything"; otherwise only the changed runs.
 */
export function runTableReads(change: ProjectChange, tableRunIds: ReadonlySet<string> | null): RunTableReads {
  if (tableRunIds === null || "everything" in change) return { kind: "whole table" };
  const runIds = [...new Set(change.runIds)];
  return { kind: "runs", runIds, listFirst: runIds.some((runId) => !tableRunIds.has(runId)) };
}

/** Two changes not yet read, as one (a reprint in progress makes them wait). */
export function mergeProjectChanges(older: ProjectChange, newer: ProjectChange): ProjectChange {
  if ("everything" in older || "everything" in newer) return { everything: true };
  return { runIds: [...new Set([...older.runIds, ...newer.runIds])] };
}
