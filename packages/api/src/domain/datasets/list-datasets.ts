import { objectId } from "@deadweight/protocol";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { requireTeamRole } from "../../access/team-roles.js";
import type { Store } from "../../store/store.js";
import { type DatasetView, datasetSelect, toDatasetView } from "./dataset-view.js";

export const listDatasetsInput = z.object({ teamId: objectId });
export type ListDatasetsInput = z.output<typeof listDatasetsInput>;

/** A team's datasets, newest first, with their files (viewer or higher). */
export async function listDatasets(store: Store, actor: UserActor, input: ListDatasetsInput): Promise<DatasetView[]> {
  await requireTeamRole(store, actor, input.teamId, "viewer", { type: "team", id: input.teamId });
  const rows = await store.db.dataset.findMany({
    where: { teamId: input.teamId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: datasetSelect,
  });
  return rows.map(toDatasetView);
}
