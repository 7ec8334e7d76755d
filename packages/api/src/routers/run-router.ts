import { cancelRun, cancelRunInput } from "../domain/runs/cancel-run.js";
import { getRun, getRunInput } from "../domain/runs/get-run.js";
import { listRuns, listRunsInput } from "../domain/runs/list-runs.js";
import { queueRun, queueRunInput } from "../domain/runs/queue-run.js";
import { router, userProcedure } from "../trpc/trpc.js";

/** Runs of experiments: viewers read, members queue and cancel. */
export const runRouter = router({
  queue: userProcedure.input(queueRunInput).mutation(({ ctx, input }) => queueRun(ctx.store, ctx.actor, input)),
  list: userProcedure.input(listRunsInput).query(({ ctx, input }) => listRuns(ctx.store, ctx.actor, input)),
  get: userProcedure.input(getRunInput).query(({ ctx, input }) => getRun(ctx.store, ctx.actor, input)),
  cancel: userProcedure.input(cancelRunInput).mutation(({ ctx, input }) => cancelRun(ctx.store, ctx.actor, input)),
});
