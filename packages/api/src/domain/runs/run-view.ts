import type { Prisma } from "@deadweight/db";
import type { RunStatus } from "./run-status.js";

/** A run in lists: where it stands, without the worker's documents. */
export const runSummarySelect = {
  id: true,
  experimentId: true,
  seed: true,
  status: true,
  attempt: true,
  stage: true,
  queuedAt: true,
  startedAt: true,
  finishedAt: true,
} satisfies Prisma.RunSelect;

export interface RunSummary {
  readonly id: string;
  readonly experimentId: string;
  readonly seed: number | null;
  readonly status: RunStatus;
  readonly attempt: number;
  readonly stage: string | null;
  readonly queuedAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
}

/** The status column is a string in SQLite; only this module's writers put values in it. */
export function toRunSummary<T extends { status: string }>(run: T): T & { status: RunStatus } {
  return run as T & { status: RunStatus };
}
