import { getRunLayerStats, getRunLayerStatsInput } from "../domain/results/get-run-layer-stats.js";
import { getRunResults, getRunResultsInput } from "../domain/results/get-run-results.js";
import { router, userProcedure } from "../trpc/trpc.js";

/** What runs produced (viewers read). Workers write through recordRunResults in their own procedures. */
export const resultRouter = router({
  rows: userProcedure.input(getRunResultsInput).query(({ ctx, input }) => getRunResults(ctx.store, ctx.actor, input)),
  layerStats: userProcedure
    .input(getRunLayerStatsInput)
    .query(({ ctx, input }) => getRunLayerStats(ctx.store, ctx.actor, input)),
});
