import { createExperiment, createExperimentInput } from "../domain/experiments/create-experiment.js";
import { getExperiment, getExperimentInput } from "../domain/experiments/get-experiment.js";
import { getSeedSpread, getSeedSpreadInput } from "../domain/experiments/get-seed-spread.js";
import { listExperiments, listExperimentsInput } from "../domain/experiments/list-experiments.js";
import { router, userProcedure } from "../trpc/trpc.js";

/** Experiments of a project: viewers read, members create (which queues their first runs). */
export const experimentRouter = router({
  create: userProcedure
    .input(createExperimentInput)
    .mutation(({ ctx, input }) => createExperiment(ctx.store, ctx.actor, input, ctx.limits)),
  list: userProcedure
    .input(listExperimentsInput)
    .query(({ ctx, input }) => listExperiments(ctx.store, ctx.actor, input)),
  get: userProcedure.input(getExperimentInput).query(({ ctx, input }) => getExperiment(ctx.store, ctx.actor, input)),
  /** Each row key across the experiment's seeds (mean, min, max, worst seed), optionally under a worst-seed limit. */
  seedSpread: userProcedure
    .input(getSeedSpreadInput)
    .query(({ ctx, input }) => getSeedSpread(ctx.store, ctx.actor, input)),
});
