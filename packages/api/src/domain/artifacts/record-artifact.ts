import { Prisma, type StoreReads } from "@deadweight/db";
import {
  artifactKindInput,
  artifactNameInput,
  CHECKPOINT_ARTIFACT_KIND,
  contentTypeInput,
  objectId,
  sha256Input,
} from "@deadweight/protocol";
import { z } from "zod";
import type { Actor } from "../../access/actor.js";
import { type DbOrTransaction, recordAudit } from "../../audit/record-audit.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";
import { type ArtifactView, artifactSelect, toArtifactView } from "./artifact-view.js";
import { releaseUnreferencedContent } from "./release-unreferenced-content.js";

export const recordArtifactInput = z.object({
  resultRowId: objectId.optional(),
  kind: artifactKindInput,
  name: artifactNameInput,
  sizeBytes: z.number().int().min(0),
  sha256: sha256Input,
  contentType: contentTypeInput,
});
export type RecordArtifactInput = z.output<typeof recordArtifactInput>;

/** A run the caller has already been authorised to add artifacts to (a member, or its team's worker). */
export interface AuthorisedRun {
  readonly teamId: string;
  readonly runId: string;
}

export interface RecordedArtifact {
  readonly artifact: ArtifactView;
  /** False when the same name with the same bytes was already recorded (a retried upload). */
  readonly created: boolean;
}

/**
 * Records the metadata of bytes already in the artifact store. Recording the same name with the
 * same sha256 again returns the existing record; the same name with other bytes is a CONFLICT, unless
 * `replaceCheckpoint` is set and the stored one is a checkpoint: its record then makes way.
 * Access is the caller's job: `run` must already be authorised.
 */
export async function recordArtifact(
  store: Store,
  actor: Actor,
  run: AuthorisedRun,
  input: RecordArtifactInput,
  options: { readonly replaceCheckpoint?: boolean } = {},
): Promise<RecordedArtifact> {
  if (input.resultRowId !== undefined) await assertRowOfRun(store.db, run.runId, input.resultRowId);
  let replaced: string[] = [];
  const create = () =>
    store.transaction(async (tx) => {
      if (options.replaceCheckpoint === true) {
        const where = {
          runId: run.runId,
          name: input.name,
          kind: CHECKPOINT_ARTIFACT_KIND,
          sha256: { not: input.sha256 },
        };
        replaced = (await tx.artifact.findMany({ where, select: { sha256: true } })).map((older) => older.sha256);
        await tx.artifact.deleteMany({ where });
      }
      // No lookup first: a name already recorded fails the unique index (P2002, below), which tells a
      // retry from a conflict. Most records are new, and each query saved is one Prisma compiles less.
      const artifact = await tx.artifact.create({
        data: {
          runId: run.runId,
          resultRowId: input.resultRowId ?? null,
          kind: input.kind,
          name: input.name,
          sizeBytes: input.sizeBytes,
          sha256: input.sha256,
          contentType: input.contentType,
        },
        select: artifactSelect,
      });
      await recordAudit(tx, actor, {
        teamId: run.teamId,
        action: "artifact.upload",
        targetType: "artifact",
        targetId: artifact.id,
        details: {
          runId: run.runId,
          name: input.name,
          kind: input.kind,
          sha256: input.sha256,
          sizeBytes: input.sizeBytes,
        },
      });
      return { artifact: toArtifactView(artifact), created: true };
    });
  try {
    const recorded = await create();
    await releaseUnreferencedContent(store, replaced);
    return recorded;
  } catch (error) {
    // The name is recorded already (earlier, or by the same name uploaded twice at once: the unique
    // index lets one win): a retry (same bytes) or a conflict, decided as if this one came second.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const existing = await findExisting(store.db, run.runId, input);
      if (existing !== null) return existing;
    }
    throw error;
  }
}

/** The recorded artifact of this name, if its bytes are the same; CONFLICT if they differ. */
export async function findExisting(
  db: DbOrTransaction,
  runId: string,
  input: { readonly name: string; readonly sha256: string },
): Promise<RecordedArtifact | null> {
  const existing = await db.artifact.findUnique({
    where: { runId_name: { runId, name: input.name } },
    select: artifactSelect,
  });
  if (existing === null) return null;
  if (existing.sha256 !== input.sha256) throw nameTaken(runId, input.name, existing.sha256, input.sha256);
  return { artifact: toArtifactView(existing), created: false };
}

export function nameTaken(runId: string, name: string, storedSha256: string, newSha256: string): AppError {
  return new AppError(
    "CONFLICT",
    `name: run ${runId} already has an artifact "${name}" with other content (sha256 ${storedSha256}, this one is ${newSha256}); artifacts are immutable, upload under another name`,
    "name",
  );
}

/** A result row named by an artifact must be one of its run's rows. */
export async function assertRowOfRun(db: DbOrTransaction, runId: string, resultRowId: string): Promise<void> {
  const row = await db.resultRow.findFirst({ where: { id: resultRowId, runId }, select: { id: true } });
  if (row === null) {
    throw new AppError(
      "BAD_REQUEST",
      `resultRowId: run ${runId} has no result row ${resultRowId}; attach artifacts to rows of their own run`,
      "resultRowId",
    );
  }
}

/**
 * The id of a run's result row by its key ("mean0.1-std0.4"); the run's results must already be
 * recorded. Through the read path: every model and bundle a run uploads names its row so.
 */
export async function rowIdOfKey(reads: StoreReads, runId: string, rowKey: string): Promise<string> {
  const row = await reads
    .selectFrom("ResultRow")
    .select("id")
    .where("runId", "=", runId)
    .where("rowKey", "=", rowKey)
    .executeTakeFirst();
  if (row === undefined) {
    throw new AppError(
      "BAD_REQUEST",
      `resultRowKey: run ${runId} has no result row "${rowKey}"; record the sweep's results before uploading its models`,
      "resultRowKey",
    );
  }
  return row.id;
}
