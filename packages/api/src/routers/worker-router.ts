import { recordDeploymentInput } from "../domain/deployment/deployment-inputs.js";
import { recordDeployment } from "../domain/deployment/record-deployment.js";
import { claimRun, claimRunInput } from "../domain/queue/claim-run.js";
import { completeStage, completeStageInput } from "../domain/queue/complete-stage.js";
import { finishRun, finishRunInput } from "../domain/queue/finish-run.js";
import { heartbeatRun, heartbeatRunInput } from "../domain/queue/heartbeat-run.js";
import { recordWorkerResults, recordWorkerResultsInput } from "../domain/queue/record-worker-results.js";
import { router, workerProcedure } from "../trpc/trpc.js";

/**
 * The job queue as workers see it (worker tokens only): claim the team's oldest queued run, then
 * report on it under the claim's attempt number until finishing it. Artifacts go over HTTP.
 */
export const workerRouter = router({
  claim: workerProcedure
    .input(claimRunInput)
    .mutation(({ ctx, input, signal }) => claimRun(ctx.db, ctx.actor, input, signal)),
  heartbeat: workerProcedure
    .input(heartbeatRunInput)
    .mutation(({ ctx, input }) => heartbeatRun(ctx.db, ctx.actor, input)),
  completeStage: workerProcedure
    .input(completeStageInput)
    .mutation(({ ctx, input }) => completeStage(ctx.db, ctx.actor, input)),
  recordResults: workerProcedure
    .input(recordWorkerResultsInput)
    .mutation(({ ctx, input }) => recordWorkerResults(ctx.db, ctx.actor, input)),
  recordDeployment: workerProcedure
    .input(recordDeploymentInput)
    .mutation(({ ctx, input }) => recordDeployment(ctx.db, ctx.actor, input)),
  finish: workerProcedure.input(finishRunInput).mutation(({ ctx, input }) => finishRun(ctx.db, ctx.actor, input)),
});
