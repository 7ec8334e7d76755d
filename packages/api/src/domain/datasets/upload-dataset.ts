import {
  DATASET_FILE_COUNTS,
  datasetFileNameInput,
  IDX_DATASET_FILE_NAMES,
  type UploadDatasetInput,
} from "@deadweight/protocol";
import type { UserActor } from "../../access/actor.js";
import { requireTeamRole } from "../../access/team-roles.js";
import { recordAudit } from "../../audit/record-audit.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";
import { type DatasetView, datasetSelect, toDatasetView } from "./dataset-view.js";

/** One file of an upload, in order: its name and its bytes (streamed into the store). */
export interface DatasetUploadFile {
  readonly name: string;
  readonly body: AsyncIterable<Uint8Array>;
}

/**
 * Stores a dataset for a team (member or higher): checks the name is free and the files fit the
 * kind (csv: a .csv or .csv.gz training file and at most a test file; idx: the four MNIST-style
 * files, each maybe .gz) before reading any byte, streams each file into the content-addressed
 * store (size-limited in total, sha256 computed on the way), then records the dataset, its files
 * and an audit entry in one transaction.
 */
export async function uploadDataset(
  store: Store,
  actor: UserActor,
  input: UploadDatasetInput,
  files: readonly DatasetUploadFile[],
  limits: { readonly maxBytes: number },
): Promise<DatasetView> {
  await requireTeamRole(store, actor, input.teamId, "member", { type: "team", id: input.teamId });
  assertFilesFitKind(input.kind, files);
  const taken = await store.reads
    .selectFrom("Dataset")
    .select("id")
    .where("teamId", "=", input.teamId)
    .where("name", "=", input.name)
    .executeTakeFirst();
  if (taken !== undefined) throw nameTaken(input.name, taken.id);

  const stored: { name: string; sha256: string; sizeBytes: number }[] = [];
  let remaining = limits.maxBytes;
  for (const file of files) {
    const content = await store.artifacts.put(file.body, { maxBytes: remaining }).catch((error: unknown) => {
      if (error instanceof AppError && error.code === "PAYLOAD_TOO_LARGE") {
        throw new AppError(
          "PAYLOAD_TOO_LARGE",
          `file "${file.name}": the dataset's files are larger than this server accepts (${limits.maxBytes} bytes in all); raise the artifact upload limit of the server, or upload a smaller dataset`,
          "files",
        );
      }
      throw error;
    });
    if (content.sizeBytes === 0) {
      throw new AppError(
        "BAD_REQUEST",
        `file "${file.name}" is empty; upload the dataset's files with their bytes`,
        "files",
      );
    }
    remaining -= content.sizeBytes;
    stored.push({ name: file.name, sha256: content.sha256, sizeBytes: content.sizeBytes });
  }

  const datasetId = await store
    .transaction(async (tx) => {
      const dataset = await tx.dataset.create({
        data: {
          teamId: input.teamId,
          name: input.name,
          kind: input.kind,
          createdById: actor.userId,
          files: { create: stored.map((file, position) => ({ ...file, position })) },
        },
        select: { id: true },
      });
      await recordAudit(tx, actor, {
        teamId: input.teamId,
        action: "dataset.upload",
        targetType: "dataset",
        targetId: dataset.id,
        details: { name: input.name, kind: input.kind, files: stored },
      });
      return dataset.id;
    })
    .catch((error: unknown) => {
      // Two uploads of one name at once: the unique index decides, the loser hears it like any other.
      if ((error as { code?: unknown }).code === "P2002") throw nameTaken(input.name, null);
      throw error;
    });
  const row = await store.db.dataset.findUniqueOrThrow({ where: { id: datasetId }, select: datasetSelect });
  return toDatasetView(row);
}

function assertFilesFitKind(kind: UploadDatasetInput["kind"], files: readonly DatasetUploadFile[]): void {
  const { min, max } = DATASET_FILE_COUNTS[kind];
  const shape =
    kind === "csv"
      ? "a csv dataset is a training file and at most a test file (.csv or .csv.gz)"
      : `an idx dataset is the four files ${IDX_DATASET_FILE_NAMES.join(", ")} (each may be gzip, named .gz)`;
  if (files.length < min || files.length > max) {
    throw new AppError("BAD_REQUEST", `files: ${files.length} file(s) sent; ${shape}`, "files");
  }
  const names = new Set<string>();
  for (const file of files) {
    const parsed = datasetFileNameInput.safeParse(file.name);
    if (!parsed.success) {
      throw new AppError("BAD_REQUEST", `file "${file.name}": ${parsed.error.issues[0]?.message}`, "files");
    }
    if (names.has(file.name)) throw new AppError("BAD_REQUEST", `file "${file.name}" is sent twice`, "files");
    names.add(file.name);
    const fits =
      kind === "csv"
        ? /\.csv(\.gz)?$/i.test(file.name)
        : (IDX_DATASET_FILE_NAMES as readonly string[]).includes(file.name.replace(/\.gz$/, ""));
    if (!fits) throw new AppError("BAD_REQUEST", `file "${file.name}" does not fit: ${shape}`, "files");
  }
  if (kind === "idx") {
    const bare = new Set([...names].map((name) => name.replace(/\.gz$/, "")));
    const missing = IDX_DATASET_FILE_NAMES.filter((name) => !bare.has(name));
    if (missing.length > 0) {
      throw new AppError("BAD_REQUEST", `files: ${missing.join(", ")} missing; ${shape}`, "files");
    }
  }
}

function nameTaken(name: string, existingId: string | null): AppError {
  return new AppError(
    "CONFLICT",
    `name: the team already has a dataset named "${name}"${existingId === null ? "" : ` (dataset:${existingId})`}; use it, or upload under another name`,
    "name",
  );
}
