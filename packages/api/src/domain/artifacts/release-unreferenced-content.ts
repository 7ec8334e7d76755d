import type { Store } from "../../store/store.js";

/**
 * Deletes from the artifact store the bytes of `sha256s` that no artifact record names any more
 * (a replaced or discarded training checkpoint), after the transaction that dropped their records.
 * Content is shared by its hash, so bytes another artifact or a dataset file still names stay.
 * Best effort: a failed delete is written to stderr and is not the caller's failure (the bytes then
 * stay, unreferenced). Content uploaded again between the check and the delete would lose its
 * bytes; a checkpoint's bytes (its training time inside) are never uploaded twice.
 */
export async function releaseUnreferencedContent(store: Store, sha256s: readonly string[]): Promise<void> {
  for (const sha256 of new Set(sha256s)) {
    const [artifact, datasetFile] = await Promise.all([
      store.db.artifact.findFirst({ where: { sha256 }, select: { id: true } }),
      store.db.datasetFile.findFirst({ where: { sha256 }, select: { id: true } }),
    ]);
    if (artifact !== null || datasetFile !== null) continue;
    await store.artifacts.remove(sha256).catch((error: unknown) => {
      console.error(`artifact store: could not delete unreferenced content ${sha256}: ${(error as Error).message}`);
    });
  }
}
