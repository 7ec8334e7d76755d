import type { Prisma } from "@deadweight/db";
import { type RunSummary, runSummarySelect, toRunSummary } from "../runs/run-view.js";

/** What a reader of an experiment sees in a list: explicit, so nothing else leaks. */
export const experimentListSelect = {
  id: true,
  projectId: true,
  name: true,
  description: true,
  dataset: true,
  createdAt: true,
  updatedAt: true,
  createdBy: { select: { id: true, name: true } },
  tags: { select: { tag: true }, orderBy: { tag: "asc" } },
  _count: { select: { runs: true } },
  runs: { select: runSummarySelect, orderBy: [{ queuedAt: "desc" }, { id: "desc" }], take: 1 },
} satisfies Prisma.ExperimentSelect;

export interface ExperimentListItem {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly description: string;
  readonly dataset: string;
  readonly tags: string[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly createdBy: { readonly id: string; readonly name: string };
  readonly runCount: number;
  readonly latestRun: RunSummary | null;
}

interface ExperimentListRow {
  id: string;
  projectId: string;
  name: string;
  description: string;
  dataset: string;
  createdAt: Date;
  updatedAt: Date;
  createdBy: { id: string; name: string };
  tags: { tag: string }[];
  _count: { runs: number };
  runs: (Omit<RunSummary, "status"> & { status: string })[];
}

export function toExperimentListItem({ tags, _count, runs, ...experiment }: ExperimentListRow): ExperimentListItem {
  const latest = runs[0];
  return {
    ...experiment,
    tags: tags.map((entry) => entry.tag),
    runCount: _count.runs,
    latestRun: latest === undefined ? null : toRunSummary(latest),
  };
}
