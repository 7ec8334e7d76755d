import {
  claimRunInput,
  completeStageInput,
  finishRunInput,
  getDatasetInput,
  heartbeatRunInput,
  recordDeploymentInput,
  recordWorkerResultsInput,
} from "@deadweight/protocol";
import { getDataset } from "../domain/datasets/get-dataset.js";
import { recordDeployment } from "../domain/deployment/record-deployment.js";
import { claimRun } from "../domain/queue/claim-run.js";
import { completeStage } from "../domain/queue/complete-stage.js";
import { finishRun } from "../domain/queue/finish-run.js";
import { heartbeatRun } from "../domain/queue/heartbeat-run.js";
import { recordWorkerResults } from "../domain/queue/record-worker-results.js";
import { router, workerProcedure } from "../trpc/trpc.js";

/**
 * The job queue as workers see it (worker tokens only): claim the team's oldest queued run, then
 * report on it under the claim's attempt number until finishing it. Artifacts go over HTTP. Every
 * input is the worker protocol's (@deadweight/protocol), which the worker imports too.
 */
export const workerRouter = router({
  /** A dataset of the team a run names as `dataset:<id>`: its files, to download by sha256. */
  dataset: workerProcedure.input(getDatasetInput).query(({ ctx, input }) => getDataset(ctx.store, ctx.actor, input)),
  claim: workerProcedure
    .input(claimRunInput)
    .mutation(({ ctx, input, signal }) => claimRun(ctx.store, ctx.actor, input, signal)),
  heartbeat: workerProcedure
    .input(heartbeatRunInput)
    .mutation(({ ctx, input }) => heartbeatRun(ctx.store, ctx.actor, input)),
  completeStage: workerProcedure
    .input(completeStageInput)
    .mutation(({ ctx, input }) => completeStage(ctx.store, ctx.actor, input)),
  recordResults: workerProcedure
    .input(recordWorkerResultsInput)
    .mutation(({ ctx, input }) => recordWorkerResults(ctx.store, ctx.actor, input)),
  recordDeployment: workerProcedure
    .input(recordDeploymentInput)
    .mutation(({ ctx, input }) => recordDeployment(ctx.store, ctx.actor, input)),
  finish: workerProcedure.input(finishRunInput).mutation(({ ctx, input }) => finishRun(ctx.store, ctx.actor, input)),
});
