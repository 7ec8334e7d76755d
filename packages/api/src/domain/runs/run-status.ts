import { z } from "zod";

/**
 * A run's life: queued -> running -> succeeded | failed | canceled. A running run goes back to
 * queued when its worker's lease expires, when the worker releases it, or after a retryable failure.
 */
export const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "canceled"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const runStatusInput = z.enum(RUN_STATUSES);

/** Statuses a run never leaves: nothing more will happen to it. */
export const FINISHED_RUN_STATUSES: readonly RunStatus[] = ["succeeded", "failed", "canceled"];

export function isFinishedRunStatus(status: string): boolean {
  return (FINISHED_RUN_STATUSES as readonly string[]).includes(status);
}
