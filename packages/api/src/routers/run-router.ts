import { watchRun, watchRunInput } from "../domain/live/watch-run.js";
import { cancelRun, cancelRunInput } from "../domain/runs/cancel-run.js";
import { getRun, getRunInput } from "../domain/runs/get-run.js";
import { listRuns, listRunsInput } from "../domain/runs/list-runs.js";
import { queueRun, queueRunInput } from "../domain/runs/queue-run.js";
import { subscriptionStream } from "../trpc/subscription-stream.js";
import { router, userProcedure } from "../trpc/trpc.js";

/** Runs of experiments: viewers read, members queue and cancel. */
export const runRouter = router({
  queue: userProcedure.input(queueRunInput).mutation(({ ctx, input }) => queueRun(ctx.store, ctx.actor, input)),
  list: userProcedure.input(listRunsInput).query(({ ctx, input }) => listRuns(ctx.store, ctx.actor, input)),
  get: userProcedure.input(getRunInput).query(({ ctx, input }) => getRun(ctx.store, ctx.actor, input)),
  /** The run's details now and after every change, over server-sent events (see watchRun). */
  watch: userProcedure
    .input(watchRunInput)
    .subscription(({ ctx, input, signal }) =>
      subscriptionStream(ctx, signal, (ended) => watchRun(ctx.store, ctx.actor, input, ended)),
    ),
  cancel: userProcedure.input(cancelRunInput).mutation(({ ctx, input }) => cancelRun(ctx.store, ctx.actor, input)),
});
