import { getDatasetInput } from "@deadweight/protocol";
import { getDataset } from "../domain/datasets/get-dataset.js";
import { listDatasets, listDatasetsInput } from "../domain/datasets/list-datasets.js";
import { router, userProcedure } from "../trpc/trpc.js";

/** Datasets the team uploaded (viewers read). The bytes go over plain HTTP (src/http/dataset-routes.ts). */
export const datasetRouter = router({
  list: userProcedure.input(listDatasetsInput).query(({ ctx, input }) => listDatasets(ctx.store, ctx.actor, input)),
  get: userProcedure.input(getDatasetInput).query(({ ctx, input }) => getDataset(ctx.store, ctx.actor, input)),
});
