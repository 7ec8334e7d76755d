import type { ReportedProgress, RunDeployment } from "@deadweight/protocol";
import type { TrainingCurve } from "../queue/training-curve.js";
import type { BackendInfo, BaseModelMetrics, SplitRecord } from "@deadweight/core";
import type { Db } from "@deadweight/db";
import { z } from "zod";
import { AppError } from "../../errors/app-error.js";
import type { UserActor } from "../../access/actor.js";
import { accessRun } from "../../access/owned-objects.js";
import { objectId } from "@deadweight/protocol";
import { type RunAttemptView, runAttemptSelect, toRunAttemptView } from "../queue/run-attempts.js";
import type { RunStatus } from "./run-status.js";
import type { Store } from "../../store/store.js";

export const getRunInput = z.object({ runId: objectId });
export type GetRunInput = z.output<typeof getRunInput>;

export interface RunDetails {
  readonly id: string;
  readonly experimentId: string;
  readonly projectId: string;
  readonly seed: number | null;
  readonly status: RunStatus;
  readonly attempt: number;
  readonly maxAttempts: number;
  /** Which worker holds (or last held) the run, and until when its lease runs. */
  readonly worker: string | null;
  readonly leaseExpiresAt: Date | null;
  readonly stage: string | null;
  /** Pipeline stages already done (a retried run resumes after them), in the order they finished. */
  readonly completedStages: string[];
  /** Every claim of the run by a worker, oldest first: who, when, and how it ended. */
  readonly attempts: RunAttemptView[];
  /** The worker's latest progress report (the worker protocol's), null before the first. */
  readonly progress: ReportedProgress | null;
  /** The deploy stage's outcome (budget answer, exported candidate, model card); null before it ran. */
  readonly deployment: RunDeployment | null;
  /** Loss and accuracy as training went, for the latest attempt that trained; null before training. */
  readonly trainingCurve: TrainingCurve | null;
  readonly backend: BackendInfo | null;
  /** Seconds per stage. */
  readonly timings: Record<string, number> | null;
  readonly baseMetrics: BaseModelMetrics | null;
  readonly split: SplitRecord | null;
  readonly errorMessage: string | null;
  readonly resultRowCount: number;
  readonly queuedAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly updatedAt: Date;
}

/** Everything known about one run (viewer or higher); JSON documents come back parsed. */
export async function getRun(store: Store, actor: UserActor, input: GetRunInput): Promise<RunDetails> {
  const { projectId } = await accessRun(store, actor, input.runId, "viewer");
  const details = await readRunDetails(store.db, input.runId, projectId);
  if (details === null) throw AppError.notFound("run", input.runId);
  return details;
}

/** A run's details as stored now, or null if it is gone; no access check (callers make it). */
export async function readRunDetails(db: Db, runId: string, projectId: string): Promise<RunDetails | null> {
  const stored = await db.run.findUnique({
    where: { id: runId },
    select: {
      id: true,
      experimentId: true,
      seed: true,
      status: true,
      attempt: true,
      maxAttempts: true,
      worker: true,
      leaseExpiresAt: true,
      stage: true,
      completedStages: true,
      attempts: { orderBy: { attempt: "asc" }, select: runAttemptSelect },
      progress: true,
      trainingCurve: true,
      deployment: true,
      backend: true,
      timings: true,
      baseMetrics: true,
      split: true,
      errorMessage: true,
      queuedAt: true,
      startedAt: true,
      finishedAt: true,
      updatedAt: true,
      _count: { select: { resultRows: true } },
    },
  });
  if (stored === null) return null;
  const { progress, trainingCurve, deployment, backend, timings, baseMetrics, split, status, completedStages, attempts, _count, ...run } = stored;
  return {
    ...run,
    projectId,
    status: status as RunStatus,
    completedStages: JSON.parse(completedStages) as string[],
    attempts: attempts.map(toRunAttemptView),
    progress: parseDocument(progress) as ReportedProgress | null,
    trainingCurve: parseDocument(trainingCurve) as TrainingCurve | null,
    deployment: parseDocument(deployment) as RunDeployment | null,
    backend: parseDocument(backend) as BackendInfo | null,
    timings: parseDocument(timings) as Record<string, number> | null,
    baseMetrics: parseDocument(baseMetrics) as BaseModelMetrics | null,
    split: parseDocument(split) as SplitRecord | null,
    resultRowCount: _count.resultRows,
  };
}

function parseDocument(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}
