import { z } from "zod";
import { objectId } from "./object-id.js";

/** What every report of a worker names: the run, and the claim (attempt) it holds it under. */
export const claimReportInput = z.object({
  runId: objectId,
  attempt: z.number().int("must be a whole number").min(1, "must be 1 or more (the attempt claim returned)"),
});
export type RunAttemptRef = z.output<typeof claimReportInput>;
