import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { StoredDatasetFile } from "@deadweight/protocol";

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * A dataset file's bytes from the worker's cache (`<cacheDir>/<aa>/<sha256>`), or else from
 * `download` (which checks them in transit) and then kept there. Cached bytes are hashed again on
 * every read: a damaged copy is dropped and downloaded again, never used.
 */
export async function cachedDatasetFile(
  cacheDir: string,
  file: StoredDatasetFile,
  download: () => Promise<Uint8Array>,
): Promise<{ readonly bytes: Uint8Array; readonly fromCache: boolean }> {
  const sha256 = file.sha256.toLowerCase();
  // The name becomes a path: anything but a sha256 must never reach the file system.
  if (!SHA256.test(sha256)) throw new Error(`dataset file ${file.name}: "${file.sha256}" is not a sha256`);
  const folder = join(cacheDir, sha256.slice(0, 2));
  const path = join(folder, sha256);
  const cached = readIfPresent(path);
  if (cached !== null && sha256Hex(cached) === sha256) return { bytes: cached, fromCache: true };
  const bytes = await download();
  const actual = sha256Hex(bytes);
  if (actual !== sha256) {
    throw new Error(`dataset file ${file.name}: the bytes received hash to ${actual}, not ${sha256}`);
  }
  mkdirSync(folder, { recursive: true });
  // Written aside, then renamed: a reader (another run of this worker) never sees half a file.
  const temporary = join(folder, `.${randomUUID()}.part`);
  try {
    writeFileSync(temporary, bytes);
    renameSync(temporary, path);
  } finally {
    rmSync(temporary, { force: true });
  }
  return { bytes, fromCache: false };
}

function readIfPresent(path: string): Uint8Array | null {
  try {
    return readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
