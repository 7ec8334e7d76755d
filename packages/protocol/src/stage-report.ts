import { z } from "zod";
import { claimReportInput } from "./claim-report.js";
import { runStageInput } from "./run-stages.js";

/** A stage of a held run is done: a later attempt resumes after it. */
export const completeStageInput = claimReportInput.extend({
  stage: runStageInput,
  /** How long the stage took, kept in the run's timings under the stage's name. */
  seconds: z.number().nonnegative("must be 0 or more"),
});
export type CompleteStageInput = z.output<typeof completeStageInput>;
