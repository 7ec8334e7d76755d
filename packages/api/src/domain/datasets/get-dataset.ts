import type { getDatasetInput } from "@deadweight/protocol";
import type { z } from "zod";
import type { SignedInActor } from "../../access/actor.js";
import { requireTeamRole } from "../../access/team-roles.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";
import { type DatasetView, datasetSelect, toDatasetView } from "./dataset-view.js";

export type GetDatasetInput = z.output<typeof getDatasetInput>;

/**
 * One dataset with its files: for a person of its team (viewer or higher) or a worker token of its
 * team (to run the team's experiments on it); any other dataset is NOT_FOUND, as if it did not exist.
 */
export async function getDataset(store: Store, actor: SignedInActor, input: GetDatasetInput): Promise<DatasetView> {
  const row = await store.db.dataset.findUnique({ where: { id: input.datasetId }, select: datasetSelect });
  if (row === null) throw AppError.notFound("dataset", input.datasetId);
  if (actor.kind === "worker") {
    if (actor.teamId !== row.teamId) throw AppError.notFound("dataset", input.datasetId);
  } else {
    await requireTeamRole(store, actor, row.teamId, "viewer", { type: "dataset", id: input.datasetId });
  }
  return toDatasetView(row);
}
