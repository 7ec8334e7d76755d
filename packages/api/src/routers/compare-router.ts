import { compareRuns, compareRunsInput } from "../domain/compare/compare-runs.js";
import { router, userProcedure } from "../trpc/trpc.js";

/** Side-by-side runs: configuration differences and aligned trade-off series (viewers read). */
export const compareRouter = router({
  runs: userProcedure.input(compareRunsInput).query(({ ctx, input }) => compareRuns(ctx.store, ctx.actor, input)),
});
