import { PLATFORM_DATASET_PREFIX } from "@deadweight/protocol";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";

/** The dataset id an experiment's `dataset` names, or null for the other forms (mnist, idx:, csv:). */
export function platformDatasetIdOf(dataset: string): string | null {
  const text = dataset.trim();
  return text.toLowerCase().startsWith(PLATFORM_DATASET_PREFIX)
    ? text.slice(PLATFORM_DATASET_PREFIX.length).trim()
    : null;
}

/**
 * BAD_REQUEST on `config.dataset` unless a `dataset:<id>` reference names a dataset of `teamId`;
 * another team's dataset is refused exactly like one that does not exist.
 */
export async function assertTeamDatasetReference(store: Store, teamId: string, dataset: string): Promise<void> {
  const datasetId = platformDatasetIdOf(dataset);
  if (datasetId === null) return;
  const found =
    datasetId === ""
      ? undefined
      : await store.reads
          .selectFrom("Dataset")
          .select("id")
          .where("id", "=", datasetId)
          .where("teamId", "=", teamId)
          .executeTakeFirst();
  if (found === undefined) {
    throw new AppError(
      "BAD_REQUEST",
      `config.dataset: "${dataset}" names no dataset of this team; list the team's datasets with \`deadweight dataset list\` (or upload one with \`deadweight dataset upload <path> --name <name>\`)`,
      "config.dataset",
    );
  }
}
