import { z } from "zod";
import { claimReportInput } from "./claim-report.js";

/** How an attempt ended: the last report of a claim. */
export const finishRunInput = z.discriminatedUnion("outcome", [
  claimReportInput.extend({ outcome: z.literal("succeeded") }),
  claimReportInput.extend({
    outcome: z.literal("failed"),
    /** What went wrong, for the person reading the run: what was wrong and what to do. */
    error: z.string().trim().min(1, "must say what went wrong").max(10_000, "must be at most 10000 characters"),
    /** True for a passing trouble (network, out of memory): the run is tried again while attempts are left. */
    retryable: z.boolean(),
  }),
  /** The worker stopped because the run was canceled (or it chose to cancel it). */
  claimReportInput.extend({ outcome: z.literal("canceled") }),
  /** The worker is shutting down: the run goes back to the queue without using up an attempt. */
  claimReportInput.extend({ outcome: z.literal("released") }),
]);
export type FinishRunInput = z.output<typeof finishRunInput>;

/** A finish without the claim it reports on. */
export type RunOutcome =
  | { readonly outcome: "succeeded" | "canceled" | "released" }
  | { readonly outcome: "failed"; readonly error: string; readonly retryable: boolean };
