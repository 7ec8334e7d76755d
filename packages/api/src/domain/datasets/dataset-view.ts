import { type DatasetKind, PLATFORM_DATASET_PREFIX, type StoredDataset } from "@deadweight/protocol";

/** What a reader of a dataset sees: explicit, so a new column never leaks by accident. */
export const datasetSelect = {
  id: true,
  teamId: true,
  name: true,
  kind: true,
  createdAt: true,
  createdBy: { select: { id: true, name: true } },
  files: { select: { name: true, sha256: true, sizeBytes: true }, orderBy: { position: "asc" } },
} as const;

export type DatasetView = StoredDataset;

export function toDatasetView(row: {
  readonly id: string;
  readonly teamId: string;
  readonly name: string;
  readonly kind: string;
  readonly createdAt: Date;
  readonly createdBy: { readonly id: string; readonly name: string };
  readonly files: readonly { readonly name: string; readonly sha256: string; readonly sizeBytes: number }[];
}): DatasetView {
  return {
    id: row.id,
    teamId: row.teamId,
    name: row.name,
    kind: row.kind as DatasetKind,
    files: row.files.map((file) => ({ name: file.name, sha256: file.sha256, sizeBytes: file.sizeBytes })),
    createdAt: row.createdAt,
    createdBy: { id: row.createdBy.id, name: row.createdBy.name },
    reference: `${PLATFORM_DATASET_PREFIX}${row.id}`,
  };
}
